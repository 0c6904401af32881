package io.recaption.model.unet;

import io.recaption.model.resnet.Upsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.List;

/**
 * diffusers' {@code CrossAttnUpBlock2D}: for each layer, concatenate the next skip state (from the end)
 * along the channels, resnet, transformer; then (unless outermost) an upsampler.
 */
public final class CrossAttnUpBlock2D implements UNetUpBlock {

    private final List<ResnetBlock2D> resnets;
    private final List<Transformer2DModel> attentions;
    private final Upsample2D upsampler;

    CrossAttnUpBlock2D(WeightMap weights, UNetBlockSpec spec) {
        this.resnets = spec.upResnets(weights);
        this.attentions = spec.attentions(weights, spec.numLayers());
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
            x = x.concat(skips.get(skips.size() - 1 - j), 1);
            x = attentions.get(j).forward(resnets.get(j).forward(x, temb), context);
        }
        return upsampler == null ? x : upsampler.forward(x, upsampleSize);
    }

    @Override
    public List<Attention> attentionLayers() {
        return UNetBlockSpec.attentionLayers(attentions);
    }
}
