package io.recaption.model.unet;

import io.recaption.model.resnet.Downsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/** diffusers' {@code CrossAttnDownBlock2D}: (resnet, transformer) pairs, then a stride-2 downsampler. */
public final class CrossAttnDownBlock2D implements UNetDownBlock {

    private final List<ResnetBlock2D> resnets;
    private final List<Transformer2DModel> attentions;
    private final Downsample2D downsampler;

    CrossAttnDownBlock2D(WeightMap weights, UNetBlockSpec spec) {
        this.resnets = spec.downResnets(weights);
        this.attentions = spec.attentions(weights, spec.numLayers());
        this.downsampler = spec.downsampler(weights);
    }

    /** hidden [B, in, H, W] → [B, out, H/2, W/2] and the states for the skips */
    @Override
    public Output forward(NDArray hidden, NDArray temb, NDArray context) {
        List<NDArray> states = new ArrayList<>();
        NDArray x = hidden;
        for (int j = 0; j < resnets.size(); j++) {
            x = attentions.get(j).forward(resnets.get(j).forward(x, temb), context);
            states.add(x);
        }
        return UNetDownBlock.downsample(x, states, downsampler);
    }

    @Override
    public List<Attention> attentionLayers() {
        return UNetBlockSpec.attentionLayers(attentions);
    }
}
