package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextLayer} as a decoder ({@code is_decoder}): causal self-attention,
 * cross-attention to the image states, feed-forward, each a post-norm residual block as in BERT
 * (Devlin et al. 2019) — LN(x + f(x)), unlike the vision tower's pre-norm. Keys
 * {@code attention}, {@code crossattention}, {@code intermediate}, {@code output}.
 */
final class BlipTextLayer {

    private final BlipTextAttention attention;
    private final BlipTextAttention crossattention;
    private final BlipTextIntermediate intermediate;
    private final BlipTextOutput output;

    BlipTextLayer(WeightMap weights, BlipTextConfig config, int layer) {
        this.attention = new BlipTextAttention(weights.child("attention"), config, false, layer);
        this.crossattention = new BlipTextAttention(weights.child("crossattention"), config, true, layer);
        this.intermediate = new BlipTextIntermediate(weights.child("intermediate"), config);
        this.output = new BlipTextOutput(weights.child("output"), config);
    }

    /** text [B, S, D], image states [B, N, E], causal mask [S, T+S] or null → [B, S, D] */
    NDArray forward(NDArray hidden, NDArray imageStates, NDArray mask, DecoderCache cache) {
        NDArray attended = attention.forward(hidden, null, mask, cache);
        NDArray crossed = crossattention.forward(attended, imageStates, null, cache);
        return output.forward(intermediate.forward(crossed), crossed);
    }
}
