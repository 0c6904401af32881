package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipEncoderLayer}: a pre-norm ViT block, x + attn(LN₁(x)), then
 * x + mlp(LN₂(x)). Keys {@code self_attn}, {@code layer_norm1}, {@code mlp}, {@code layer_norm2}.
 */
final class BlipEncoderLayer {

    private final LayerNorm layerNorm1;
    private final BlipAttention selfAttn;
    private final LayerNorm layerNorm2;
    private final BlipMLP mlp;

    BlipEncoderLayer(WeightMap weights, BlipVisionConfig config) {
        this.selfAttn = new BlipAttention(weights.child("self_attn"), config);
        this.layerNorm1 = new LayerNorm(weights.child("layer_norm1"), config.hiddenSize(), config.layerNormEps());
        this.mlp = new BlipMLP(weights.child("mlp"), config);
        this.layerNorm2 = new LayerNorm(weights.child("layer_norm2"), config.hiddenSize(), config.layerNormEps());
    }

    /** [B, N, D] → [B, N, D] */
    NDArray forward(NDArray x) {
        NDArray attended = selfAttn.forward(layerNorm1.forward(x)).add(x);
        return mlp.forward(layerNorm2.forward(attended)).add(attended);
    }
}
