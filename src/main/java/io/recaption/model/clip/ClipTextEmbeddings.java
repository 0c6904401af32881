package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code CLIPTextEmbeddings}: learned token and absolute position embeddings,
 * summed. Keys {@code token_embedding.weight} [vocab, D] and {@code position_embedding.weight}
 * [positions, D]; the {@code position_ids} buffer that older checkpoints carry is just
 * {@code arange(positions)} and is not read.
 */
final class ClipTextEmbeddings {

    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;

    ClipTextEmbeddings(WeightMap weights, ClipTextConfig config) {
        this.tokenEmbedding = weights.child("token_embedding").take("weight", config.vocabSize(), config.hiddenSize());
        this.positionEmbedding = weights.child("position_embedding")
                .take("weight", config.maxPositionEmbeddings(), config.hiddenSize());
        weights.ignore("position_ids");
    }

    /** [B, S] int64 ids → [B, S, D]; position i gets the i-th position embedding. */
    NDArray forward(NDArray inputIds) {
        long length = inputIds.getShape().get(1);
        // both lookups land in the ids' manager: the embedding op attaches to its input's manager,
        // and the slice of the position table is taken into it explicitly
        NDArray tokens = Embedding.embedding(inputIds, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
        NDArray positions = positionEmbedding.get(inputIds.getManager(), new NDIndex("0:{}", length));
        return tokens.add(positions);
    }
}
