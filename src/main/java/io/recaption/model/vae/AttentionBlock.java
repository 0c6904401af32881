package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.FusedAttention;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.nn.Linear;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.Scalars;
import io.recaption.model.weights.WeightMap;

/**
 * The VAE mid-block's spatial self-attention: diffusers' {@code Attention} built with
 * {@code _from_deprecated_attn_block=True}, i.e. the former {@code AttentionBlock} this class is
 * named after (the name {@code Attention} is the UNet's). One head over all channels, a group norm
 * on the input, biased q/k/v/out projections, and a residual connection.
 *
 * <p>Keys: {@code group_norm}, {@code to_q}, {@code to_k}, {@code to_v}, {@code to_out.0}; older
 * snapshots (SD 1.4's) still use {@code query}, {@code key}, {@code value}, {@code proj_attn},
 * which diffusers renames on load, so both spellings are accepted here.
 */
final class AttentionBlock {

    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final float scale;
    private final FusedAttention fused;

    AttentionBlock(WeightMap weights, long channels, BlockStyle style) {
        this.groupNorm = new GroupNorm(weights.child("group_norm"), style.groups(), channels, style.eps());
        this.toQ = projection(weights, "to_q", "query", channels);
        this.toK = projection(weights, "to_k", "key", channels);
        this.toV = projection(weights, "to_v", "value", channels);
        this.toOut = projection(weights, "to_out.0", "proj_attn", channels);
        // one head of dimension `channels`: softmax(q·kᵀ / √C)
        this.scale = (float) (1.0 / Math.sqrt(channels));
        this.fused = fusedOrNull();
    }

    /**
     * libtorch's fused kernel, as diffusers' VAE attention (AttnProcessor2_0) runs: at 512² the mid-block attends
     * over 4096 positions, whose [4096, 4096] probabilities it never forms; null where it cannot load.
     */
    private static FusedAttention fusedOrNull() {
        try {
            return FusedAttention.shared();
        } catch (RuntimeException | LinkageError e) {
            System.getLogger(AttentionBlock.class.getName()).log(System.Logger.Level.WARNING,
                    "fused attention unavailable, using plain attention in the VAE: " + e);
            return null;
        }
    }

    private static Linear projection(WeightMap weights, String name, String deprecatedName, long channels) {
        String key = !weights.has(name + ".weight") && weights.has(deprecatedName + ".weight") ? deprecatedName : name;
        return new Linear(weights.child(key), channels, channels, true);
    }

    /** [B, C, H, W] → [B, C, H, W] */
    NDArray forward(NDArray input) {
        return Scopes.within(input, x -> {
            Shape shape = x.getShape();
            long batch = shape.get(0);
            long channels = shape.get(1);
            long tokens = shape.get(2) * shape.get(3);
            NDArray hidden = groupNorm.forward(x).reshape(batch, channels, tokens).transpose(0, 2, 1);
            NDArray query = toQ.forward(hidden);
            NDArray key = toK.forward(hidden);
            NDArray value = toV.forward(hidden);
            NDArray attended = toOut.forward(fused != null
                    ? fused.apply(query.expandDims(1), key.expandDims(1), value.expandDims(1)).squeeze(1)
                    // the plain path's softmax in float32 (DJL's softmax cannot take bfloat16, see Precision)
                    : Precision.of(value).cast(Precision.full(Scalars.mul(query.matMul(key.transpose(0, 2, 1)), scale))
                            .softmax(-1)).matMul(value));
            return attended.transpose(0, 2, 1).reshape(shape).add(x);
        });
    }
}
