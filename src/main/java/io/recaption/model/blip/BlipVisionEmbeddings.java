package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipVisionEmbeddings}: the ViT stem (Dosovitskiy et al. 2021, eq. 1). A
 * stride-p convolution cuts the image into p×p patches and projects each to D; a learned class
 * token is put first; learned absolute position embeddings are added. Keys
 * {@code patch_embedding.weight} [D, 3, p, p] and {@code .bias} [D], {@code class_embedding}
 * [1, 1, D], {@code position_embedding} [1, N+1, D] (plain parameters, not embedding tables).
 * transformers' {@code interpolate_pos_encoding} (other input sizes) is not offered: the
 * preprocessor always resizes to the trained size.
 */
final class BlipVisionEmbeddings {

    private final Conv2d patchEmbedding;
    private final NDArray classEmbedding;
    private final NDArray positionEmbedding;
    private final BlipVisionConfig config;

    BlipVisionEmbeddings(WeightMap weights, BlipVisionConfig config) {
        long dim = config.hiddenSize();
        int patch = config.patchSize();
        this.patchEmbedding = new Conv2d(weights.child("patch_embedding"), new Conv2d.Spec(3, dim, patch, patch, 0));
        this.classEmbedding = weights.take("class_embedding", 1, 1, dim);
        this.positionEmbedding = weights.take("position_embedding", 1, config.numPositions(), dim);
        this.config = config;
    }

    /** pixel values [B, 3, S, S] (S = image_size) → [B, (S/p)² + 1, D], the class token first. */
    NDArray forward(NDArray pixelValues) {
        Shape shape = pixelValues.getShape();
        long batch = shape.get(0);
        long dim = config.hiddenSize();
        NDArray patches = patchEmbedding.forward(pixelValues); // [B, D, S/p, S/p]
        patches = patches.reshape(batch, dim, -1).transpose(0, 2, 1); // [B, (S/p)², D], row-major over the grid
        // the class token, copied into the input's manager (an op on a weight would land in the weights' manager)
        NDArray classToken = classEmbedding.get(pixelValues.getManager(), new NDIndex(":, :, :"))
                .broadcast(new Shape(batch, 1, dim)); // [B, 1, D]
        return classToken.concat(patches, 1).add(positionEmbedding); // [B, N+1, D]
    }
}
