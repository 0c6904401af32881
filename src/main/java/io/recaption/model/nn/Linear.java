package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;

/** {@code torch.nn.Linear}: keys {@code weight} [out, in] and, when present, {@code bias} [out]. */
public final class Linear {

    private final NDArray weight;
    private final NDArray bias;

    public Linear(WeightMap weights, long inFeatures, long outFeatures, boolean hasBias) {
        this.weight = weights.take("weight", outFeatures, inFeatures);
        this.bias = hasBias ? weights.take("bias", outFeatures) : null;
    }

    /** [..., in] → [..., out] */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    public NDArray weight() {
        return weight;
    }
}
