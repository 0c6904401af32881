package io.recaption.model.unet;

import io.recaption.model.resnet.Downsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/** diffusers' {@code DownBlock2D}: resnets only, then (unless innermost) a stride-2 downsampler. */
public final class DownBlock2D implements UNetDownBlock {

    private final List<ResnetBlock2D> resnets;
    private final Downsample2D downsampler;

    DownBlock2D(WeightMap weights, UNetBlockSpec spec) {
        this.resnets = spec.downResnets(weights);
        this.downsampler = spec.downsampler(weights);
    }

    /** hidden [B, in, H, W] → [B, out, H/2, W/2] (H, W when innermost) and the states for the skips */
    @Override
    public Output forward(NDArray hidden, NDArray temb, NDArray context) {
        List<NDArray> states = new ArrayList<>();
        NDArray x = hidden;
        for (ResnetBlock2D resnet : resnets) {
            x = resnet.forward(x, temb);
            states.add(x);
        }
        return UNetDownBlock.downsample(x, states, downsampler);
    }

    @Override
    public List<Attention> attentionLayers() {
        return List.of();
    }
}
