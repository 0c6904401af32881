package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.List;

/**
 * diffusers' {@code UNetMidBlock2D} as the VAE builds it (no time embedding, one attention layer
 * unless {@code mid_block_add_attention} is false): {@code resnets.0}, {@code attentions.0},
 * {@code resnets.1}.
 */
final class UNetMidBlock2D {

    private final ResnetBlock2D resnet0;
    private final AttentionBlock attention;
    private final ResnetBlock2D resnet1;

    UNetMidBlock2D(WeightMap weights, long channels, boolean addAttention, BlockStyle style) {
        this.resnet0 = new ResnetBlock2D(weights.child("resnets", 0), channels, channels, style);
        this.attention = addAttention ? new AttentionBlock(weights.child("attentions", 0), channels, style) : null;
        this.resnet1 = new ResnetBlock2D(weights.child("resnets", 1), channels, channels, style);
    }

    /** [B, C, H, W] → [B, C, H, W] */
    NDArray forward(NDArray x) {
        return attention == null
                ? Scopes.chain(x, List.of(resnet0::forward, resnet1::forward))
                : Scopes.chain(x, List.of(resnet0::forward, attention::forward, resnet1::forward));
    }
}
