package io.recaption.model.unet;

import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code FeedForward} with {@code activation_fn="geglu"}: {@code net.0} a {@link GEGLU} to
 * {@code mult × dim}, {@code net.1} dropout (nothing at inference), {@code net.2} the projection back.
 */
public final class FeedForward {

    private final GEGLU net0;
    private final Linear net2;

    FeedForward(WeightMap weights, long dim, long innerDim) {
        this.net0 = new GEGLU(weights.child("net", 0), dim, innerDim);
        this.net2 = new Linear(weights.child("net", 2), innerDim, dim, true);
    }

    /** [B, N, dim] → [B, N, dim] */
    public NDArray forward(NDArray x) {
        try (Scope scope = Scope.below(x)) {
            return scope.exit(net2.forward(net0.forward(scope.enter(x))));
        }
    }
}
