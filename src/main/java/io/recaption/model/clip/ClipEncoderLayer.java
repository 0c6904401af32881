package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code CLIPEncoderLayer}: a pre-norm transformer block,
 * x + attn(LN₁(x)), then x + mlp(LN₂(x)).
 */
final class ClipEncoderLayer {

    private final LayerNorm layerNorm1;
    private final ClipAttention selfAttn;
    private final LayerNorm layerNorm2;
    private final ClipMlp mlp;

    ClipEncoderLayer(WeightMap weights, ClipTextConfig config) {
        this.layerNorm1 = new LayerNorm(weights.child("layer_norm1"), config.hiddenSize(), config.layerNormEps());
        this.selfAttn = new ClipAttention(weights.child("self_attn"), config);
        this.layerNorm2 = new LayerNorm(weights.child("layer_norm2"), config.hiddenSize(), config.layerNormEps());
        this.mlp = new ClipMlp(weights.child("mlp"), config);
    }

    /** [B, S, D] with causal mask [S, S] → [B, S, D] */
    NDArray forward(NDArray x, NDArray mask) {
        NDArray attended = x.add(selfAttn.forward(layerNorm1.forward(x), mask));
        return attended.add(mlp.forward(layerNorm2.forward(attended)));
    }
}
