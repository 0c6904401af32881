package io.recaption.model.unet;

import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code UNetMidBlock2DCrossAttn}: {@code resnets.0}, then for each layer a transformer
 * ({@code attentions.i}) followed by {@code resnets.(i+1)}, all at the innermost channel count. Its resnets
 * divide their output by the UNet's {@code mid_block_scale_factor}.
 */
public final class UNetMidBlock2DCrossAttn {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions;

    UNetMidBlock2DCrossAttn(WeightMap weights, UNetBlockSpec spec) {
        long c = spec.inChannels();
        for (int j = 0; j <= spec.numLayers(); j++) {
            resnets.add(new ResnetBlock2D(weights.child("resnets", j), spec.resnet(c, c)));
        }
        this.attentions = spec.attentions(weights, spec.numLayers());
    }

    /** hidden [B, C, H, W], temb [B, T], context [B, Nk, crossDim] → [B, C, H, W] */
    public NDArray forward(NDArray hidden, NDArray temb, NDArray context) {
        NDArray x = resnets.get(0).forward(hidden, temb);
        for (int i = 0; i < attentions.size(); i++) {
            x = resnets.get(i + 1).forward(attentions.get(i).forward(x, context), temb);
        }
        return x;
    }

    List<Attention> attentionLayers() {
        return UNetBlockSpec.attentionLayers(attentions);
    }
}
