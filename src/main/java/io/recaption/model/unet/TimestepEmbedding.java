package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;

/** diffusers' {@code TimestepEmbedding}: {@code linear_1}, the UNet's activation, {@code linear_2}. */
public final class TimestepEmbedding {

    private final Linear linear1;
    private final Linear linear2;
    private final UnaryOperator<NDArray> activation;

    TimestepEmbedding(WeightMap weights, long inChannels, long timeEmbedDim, UnaryOperator<NDArray> activation) {
        this.linear1 = new Linear(weights.child("linear_1"), inChannels, timeEmbedDim, true);
        this.linear2 = new Linear(weights.child("linear_2"), timeEmbedDim, timeEmbedDim, true);
        this.activation = activation;
    }

    /** [B, inChannels] → [B, timeEmbedDim] */
    public NDArray forward(NDArray x) {
        return linear2.forward(activation.apply(linear1.forward(x)));
    }
}
