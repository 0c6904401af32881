package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextModel} as the captioning decoder uses it ({@code is_decoder}, no
 * pooler): embeddings, then the layers under a causal mask with cross-attention to the image.
 * Keys {@code embeddings}, {@code encoder.layer.N} (below {@code text_decoder.bert.}).
 */
final class BlipTextModel {

    private final BlipTextEmbeddings embeddings;
    private final BlipTextEncoder encoder;

    BlipTextModel(WeightMap weights, BlipTextConfig config) {
        this.embeddings = new BlipTextEmbeddings(weights.child("embeddings"), config);
        this.encoder = new BlipTextEncoder(weights.child("encoder"), config);
    }

    /** ids [B, S] int64 (after the cache's T positions), image states [B, N, E] → last hidden state [B, S, D] */
    NDArray forward(NDArray inputIds, NDArray imageStates, DecoderCache cache) {
        long past = cache == null ? 0 : cache.length();
        return encoder.forward(embeddings.forward(inputIds, past), imageStates, cache);
    }

    BlipTextEmbeddings embeddings() {
        return embeddings;
    }

    int layers() {
        return encoder.size();
    }
}
