package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipVisionModel}: pixel values → {@code last_hidden_state}, the patch and
 * class-token states after {@code post_layernorm}, which the text decoder's cross-attention reads.
 * Keys {@code embeddings}, {@code encoder.layers.N}, {@code post_layernorm} (below
 * {@code vision_model.} in a {@code BlipForConditionalGeneration} checkpoint). The pooled output
 * (LN applied again to the class token) serves retrieval only and is not computed.
 */
public final class BlipVisionModel {

    private final BlipVisionConfig config;
    private final BlipVisionEmbeddings embeddings;
    private final BlipEncoder encoder;
    private final LayerNorm postLayernorm;

    BlipVisionModel(WeightMap weights, BlipVisionConfig config) {
        this.config = config;
        this.embeddings = new BlipVisionEmbeddings(weights.child("embeddings"), config);
        this.encoder = new BlipEncoder(weights.child("encoder"), config);
        this.postLayernorm = new LayerNorm(weights.child("post_layernorm"), config.hiddenSize(), config.layerNormEps());
    }

    /**
     * pixel values [B, 3, S, S] float32 (S = image_size, as {@link BlipImageProcessor} makes them) →
     * [B, (S/p)² + 1, D] in the input's manager; the intermediates are freed before returning.
     */
    public NDArray forward(NDArray pixelValues) {
        Shape shape = pixelValues.getShape();
        int size = config.imageSize();
        if (shape.dimension() != 4 || shape.get(1) != 3 || shape.get(2) != size || shape.get(3) != size) {
            throw new IllegalArgumentException("pixel values must be [batch, 3, " + size + ", " + size + "], found "
                    + shape);
        }
        if (pixelValues.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("pixel values must be float32, found " + pixelValues.getDataType());
        }
        try (Scope scope = Scope.below(pixelValues)) {
            NDArray hidden = postLayernorm.forward(encoder.forward(embeddings.forward(scope.enter(pixelValues))));
            return scope.exit(hidden);
        }
    }

    public BlipVisionConfig config() {
        return config;
    }
}
