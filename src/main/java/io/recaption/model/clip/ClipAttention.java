package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Linear;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.Scalars;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code CLIPAttention}: multi-head self-attention with biased {@code q_proj},
 * {@code k_proj}, {@code v_proj} and {@code out_proj}, softmax(QKᵀ·d^-½ + mask)·V per head
 * (Vaswani et al. 2017, eq. 1).
 */
final class ClipAttention {

    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final int heads;
    private final int headDim;
    private final float scale;

    ClipAttention(WeightMap weights, ClipTextConfig config) {
        long dim = config.hiddenSize();
        this.qProj = new Linear(weights.child("q_proj"), dim, dim, true);
        this.kProj = new Linear(weights.child("k_proj"), dim, dim, true);
        this.vProj = new Linear(weights.child("v_proj"), dim, dim, true);
        this.outProj = new Linear(weights.child("out_proj"), dim, dim, true);
        this.heads = config.numAttentionHeads();
        this.headDim = config.headDim();
        this.scale = (float) Math.pow(headDim, -0.5);
    }

    /**
     * The additive causal mask [S, S]: 0 where a query may attend (keys at or before it), −∞ after
     * it, so that CLIP's text tower reads left to right as in the reference; every row keeps its
     * diagonal, so no softmax row is all −∞.
     */
    static NDArray causalMask(NDManager manager, int length) {
        float[] mask = new float[length * length];
        for (int query = 0; query < length; query++) {
            for (int key = query + 1; key < length; key++) {
                mask[query * length + key] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(length, length));
    }

    /**
     * The causal mask, with {@code keyWeights} [B][S] (null: none) folded in as log w on every later query's
     * entry for key token s: [S, S] without weights, [B, 1, S, S] with them. A weight of 0 (or below) is −∞ there;
     * the diagonal stays 0, so a row always keeps its own token.
     */
    static NDArray causalMask(NDManager manager, float[][] keyWeights, int batch, int length) {
        if (keyWeights == null) {
            return causalMask(manager, length);
        }
        if (keyWeights.length != batch) {
            throw new IllegalArgumentException("key weights for " + keyWeights.length + " captions, batch " + batch);
        }
        float[] mask = new float[batch * length * length];
        for (int b = 0; b < batch; b++) {
            if (keyWeights[b].length != length) {
                throw new IllegalArgumentException("key weights of length " + keyWeights[b].length + ", tokens " + length);
            }
            for (int query = 0; query < length; query++) {
                for (int key = 0; key < length; key++) {
                    float w = keyWeights[b][key];
                    mask[(b * length + query) * length + key] = key > query ? Float.NEGATIVE_INFINITY
                            : key == query || w == 1f ? 0f
                            : w > 0f ? (float) Math.log(w) : Float.NEGATIVE_INFINITY;
                }
            }
        }
        return manager.create(mask, new Shape(batch, 1, length, length));
    }

    /** [B, S, D] with mask [S, S] or [B, 1, S, S] → [B, S, D] */
    NDArray forward(NDArray x, NDArray mask) {
        Shape shape = x.getShape();
        NDArray q = Scalars.mul(splitHeads(qProj.forward(x)), scale);
        NDArray k = splitHeads(kProj.forward(x));
        NDArray v = splitHeads(vProj.forward(x));
        // the float32 mask promotes half-precision logits: the softmax runs in float32, as transformers' eager
        // attention's softmax(dtype=float32), and its result is cast back to the values' type
        NDArray probabilities = Precision.of(v).cast(q.matMul(k.swapAxes(2, 3)).add(mask).softmax(-1)); // [B, H, S, S]
        NDArray context = probabilities.matMul(v).transpose(0, 2, 1, 3).reshape(shape); // [B, S, D]
        return outProj.forward(context);
    }

    /** [B, S, D] → [B, H, S, D/H] */
    private NDArray splitHeads(NDArray x) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), shape.get(1), heads, headDim).transpose(0, 2, 1, 3);
    }
}
