package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextOutput} (BERT's): the feed-forward's second half with the post-norm
 * residual, LN(dense(intermediate) + input). Keys {@code dense}, {@code LayerNorm}.
 */
final class BlipTextOutput {

    private final Linear dense;
    private final LayerNorm layerNorm;

    BlipTextOutput(WeightMap weights, BlipTextConfig config) {
        this.dense = new Linear(weights.child("dense"), config.intermediateSize(), config.hiddenSize(), true);
        this.layerNorm = new LayerNorm(weights.child("LayerNorm"), config.hiddenSize(), config.layerNormEps());
    }

    /** intermediate [B, S, intermediate], the feed-forward's input [B, S, D] → [B, S, D] */
    NDArray forward(NDArray intermediate, NDArray input) {
        return layerNorm.forward(dense.forward(intermediate).add(input));
    }
}
