package io.recaption.model.vae;

import io.recaption.model.resnet.ResnetBlock2D;
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
        this.resnet0 = new ResnetBlock2D(weights.child("resnets", 0), style.resnet(channels, channels));
        this.attention = addAttention ? new AttentionBlock(weights.child("attentions", 0), channels, style) : null;
        this.resnet1 = new ResnetBlock2D(weights.child("resnets", 1), style.resnet(channels, channels));
    }

    /** [B, C, H, W] → [B, C, H, W] */
    NDArray forward(NDArray x) {
        return attention == null
                ? Scopes.chain(x, List.of(h -> resnet0.forward(h, null), h -> resnet1.forward(h, null)))
                : Scopes.chain(x, List.of(h -> resnet0.forward(h, null), attention::forward,
                        h -> resnet1.forward(h, null)));
    }
}
