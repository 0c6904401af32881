package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Linear;
import io.recaption.model.nn.Scalars;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipAttention}, the vision tower's bidirectional self-attention:
 * softmax(QKᵀ·d^-½)·V per head (Vaswani et al. 2017, eq. 1), no mask. Unlike CLIP's, the three
 * projections are one fused {@code qkv} Linear [3D, D] whose output is read as [3, heads, d]
 * per token (q first), and the output projection is called {@code projection}.
 */
final class BlipAttention {

    private final Linear qkv;
    private final Linear projection;
    private final int heads;
    private final int headDim;
    private final double scale;

    BlipAttention(WeightMap weights, BlipVisionConfig config) {
        long dim = config.hiddenSize();
        this.qkv = new Linear(weights.child("qkv"), dim, 3 * dim, true);
        this.projection = new Linear(weights.child("projection"), dim, dim, true);
        this.heads = config.numAttentionHeads();
        this.headDim = config.headDim();
        this.scale = Math.pow(headDim, -0.5);
    }

    /** [B, N, D] → [B, N, D] */
    NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        // [B, N, 3D] → [B, N, 3, H, d] → [3, B, H, N, d], as transformers' reshape and permute(2, 0, 3, 1, 4)
        NDArray mixed = qkv.forward(x).reshape(shape.get(0), shape.get(1), 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = mixed.get(0);
        NDArray k = mixed.get(1);
        NDArray v = mixed.get(2);
        // transformers scales the scores after the product (q·kᵀ)·scale; the same here, for the same rounding
        NDArray probabilities = Scalars.mul(q.matMul(k.swapAxes(2, 3)), scale).softmax(-1); // [B, H, N, N]
        NDArray context = probabilities.matMul(v).transpose(0, 2, 1, 3).reshape(shape); // [B, N, D]
        return projection.forward(context);
    }
}
