package io.recaption.model.unet;

import io.recaption.model.resnet.Upsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.List;

/**
 * diffusers' {@code UpBlock2D}: for each resnet, concatenate the next skip state (from the end) along the
 * channels and apply the resnet; then (unless outermost) an upsampler.
 */
public final class UpBlock2D implements UNetUpBlock {

    private final List<ResnetBlock2D> resnets;
    private final Upsample2D upsampler;

    UpBlock2D(WeightMap weights, UNetBlockSpec spec) {
        this.resnets = spec.upResnets(weights);
        this.upsampler = spec.upsampler(weights);
    }

    @Override
    public int resnetCount() {
        return resnets.size();
    }

    /** hidden [B, prev, H, W] → [B, out, 2H, 2W] (or upsampleSize; H, W when outermost) */
    @Override
    public NDArray forward(NDArray hidden, List<NDArray> skips, NDArray temb, NDArray context, long[] upsampleSize) {
        NDArray x = hidden;
        for (int j = 0; j < resnets.size(); j++) {
            x = resnets.get(j).forward(x.concat(skips.get(skips.size() - 1 - j), 1), temb);
        }
        return upsampler == null ? x : upsampler.forward(x, upsampleSize);
    }

    @Override
    public List<Attention> attentionLayers() {
        return List.of();
    }
}
