package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.weights.WeightMap;

/** {@code torch.nn.LayerNorm} over the last dimension: keys {@code weight}, {@code bias}. */
public final class LayerNorm {

    private final NDArray weight;
    private final NDArray bias;
    private final Shape normalized;
    private final float eps;

    public LayerNorm(WeightMap weights, long dim, double eps) {
        this.weight = weights.take("weight", dim);
        this.bias = weights.take("bias", dim);
        this.normalized = new Shape(dim);
        this.eps = (float) eps;
    }

    /** [..., dim] → [..., dim] */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalized, weight, bias, eps).singletonOrThrow();
    }
}
