package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextLMHeadModel}, BLIP's caption decoder: token ids and image states →
 * next-token logits. Keys {@code bert} ({@link BlipTextModel}) and {@code cls.predictions}
 * ({@link BlipTextLMPredictionHead}), below {@code text_decoder.}.
 */
public final class BlipTextLMHeadModel {

    private final BlipTextConfig config;
    private final BlipTextModel bert;
    private final BlipTextLMPredictionHead predictions;

    BlipTextLMHeadModel(WeightMap weights, BlipTextConfig config) {
        this.config = config;
        this.bert = new BlipTextModel(weights.child("bert"), config);
        this.predictions = new BlipTextLMPredictionHead(weights.child("cls").child("predictions"), config,
                bert.embeddings().wordEmbeddings());
    }

    /**
     * ids [B, S] (int32 or int64) and image states [B, N, E] → logits [B, S, V] (or [B, 1, V] for
     * the last position only, transformers' {@code logits_to_keep=1}, all generation needs), in the
     * ids' manager. With a cache, the ids are the positions after the cached ones and their keys and
     * values are appended to it; without one, the ids are the whole sequence.
     */
    public NDArray forward(NDArray inputIds, NDArray imageStates, DecoderCache cache, boolean lastOnly) {
        Shape shape = inputIds.getShape();
        long past = cache == null ? 0 : cache.length();
        if (shape.dimension() != 2 || shape.get(1) < 1 || past + shape.get(1) > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("token ids must be [batch, length ≥ 1] with at most "
                    + config.maxPositionEmbeddings() + " positions in all, found " + shape + " after " + past);
        }
        Shape image = imageStates.getShape();
        if (image.dimension() != 3 || image.get(0) != shape.get(0) || image.get(2) != config.encoderHiddenSize()) {
            throw new IllegalArgumentException("image states must be [" + shape.get(0) + ", tokens, "
                    + config.encoderHiddenSize() + "], found " + image);
        }
        try (Scope scope = Scope.below(inputIds)) {
            NDArray ids = scope.enter(inputIds).toType(DataType.INT64, false);
            long min = ids.min().getLong();
            long max = ids.max().getLong();
            if (min < 0 || max >= config.vocabSize()) {
                throw new IllegalArgumentException("token ids must lie in [0, " + config.vocabSize() + "), found "
                        + min + " … " + max);
            }
            NDArray hidden = bert.forward(ids, imageStates, cache); // [B, S, D]
            if (lastOnly) {
                hidden = hidden.get(new NDIndex(":, -1:, :")); // [B, 1, D]
            }
            return scope.exit(predictions.forward(hidden)); // [B, S or 1, V]
        }
    }

    /** An empty key/value cache for this decoder, its arrays in a sub-manager of {@code parent}. */
    public DecoderCache newCache(ai.djl.ndarray.NDManager parent) {
        return new DecoderCache(parent, bert.layers());
    }

    public BlipTextConfig config() {
        return config;
    }
}
