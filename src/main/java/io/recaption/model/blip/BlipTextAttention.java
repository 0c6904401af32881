package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextAttention}: the attention core ({@code self}) and its output
 * projection with residual and LayerNorm ({@code output}). A decoder layer has two: the causal
 * self-attention ({@code attention}) and the cross-attention to the image ({@code crossattention}).
 */
final class BlipTextAttention {

    private final BlipTextSelfAttention self;
    private final BlipTextSelfOutput output;

    BlipTextAttention(WeightMap weights, BlipTextConfig config, boolean crossAttention, int layer) {
        this.self = new BlipTextSelfAttention(weights.child("self"), config, crossAttention, layer);
        this.output = new BlipTextSelfOutput(weights.child("output"), config);
    }

    /** [B, S, D] (and image states [B, N, E] for cross-attention) → [B, S, D]; see {@link BlipTextSelfAttention} */
    NDArray forward(NDArray hidden, NDArray imageStates, NDArray mask, DecoderCache cache) {
        return output.forward(self.forward(hidden, imageStates, mask, cache), hidden);
    }
}
