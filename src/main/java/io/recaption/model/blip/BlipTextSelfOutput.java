package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextSelfOutput} (BERT's): the attention's output projection, then the
 * post-norm residual LN(dense(context) + input). Keys {@code dense}, {@code LayerNorm}.
 */
final class BlipTextSelfOutput {

    private final Linear dense;
    private final LayerNorm layerNorm;

    BlipTextSelfOutput(WeightMap weights, BlipTextConfig config) {
        this.dense = new Linear(weights.child("dense"), config.hiddenSize(), config.hiddenSize(), true);
        this.layerNorm = new LayerNorm(weights.child("LayerNorm"), config.hiddenSize(), config.layerNormEps());
    }

    /** context [B, S, D], the attention's input [B, S, D] → [B, S, D] */
    NDArray forward(NDArray context, NDArray input) {
        return layerNorm.forward(dense.forward(context).add(input));
    }
}
