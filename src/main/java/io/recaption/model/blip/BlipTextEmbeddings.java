package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextEmbeddings} (BERT's without token types): word and absolute
 * position embeddings, summed, then LayerNorm. Keys {@code word_embeddings.weight} [V, D] (also
 * the LM head's output matrix when tied), {@code position_embeddings.weight} [P, D],
 * {@code LayerNorm}; the {@code position_ids} buffer of older checkpoints is {@code arange(P)}
 * and not read.
 */
final class BlipTextEmbeddings {

    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final LayerNorm layerNorm;

    BlipTextEmbeddings(WeightMap weights, BlipTextConfig config) {
        this.wordEmbeddings = weights.child("word_embeddings").take("weight", config.vocabSize(), config.hiddenSize());
        this.positionEmbeddings = weights.child("position_embeddings")
                .take("weight", config.maxPositionEmbeddings(), config.hiddenSize());
        this.layerNorm = new LayerNorm(weights.child("LayerNorm"), config.hiddenSize(), config.layerNormEps());
        weights.ignore("position_ids");
    }

    /** [B, S] int64 ids at positions past…past+S−1 → [B, S, D] */
    NDArray forward(NDArray inputIds, long past) {
        long length = inputIds.getShape().get(1);
        // both lookups land in the ids' manager: the embedding op attaches to its input's manager, and the
        // slice of the position table is taken into it explicitly
        NDArray words = Embedding.embedding(inputIds, wordEmbeddings, SparseFormat.DENSE).singletonOrThrow();
        NDArray positions = positionEmbeddings.get(inputIds.getManager(), new NDIndex("{}:{}", past, past + length));
        return layerNorm.forward(words.add(positions));
    }

    /** The word embedding matrix [V, D], which a tied LM head multiplies by. */
    NDArray wordEmbeddings() {
        return wordEmbeddings;
    }
}
