package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.weights.WeightMap;

/** {@code torch.nn.Conv2d} with square kernel, stride and padding: keys {@code weight}, {@code bias}. */
public final class Conv2d {

    private final NDArray weight;
    private final NDArray bias;
    private final Shape stride;
    private final Shape padding;
    private static final Shape NO_DILATION = new Shape(1, 1);

    /** The layer's geometry; a record so that call sites name each number. */
    public record Spec(long inChannels, long outChannels, int kernel, int stride, int padding) {
        public static Spec of(long inChannels, long outChannels, int kernel) {
            return new Spec(inChannels, outChannels, kernel, 1, kernel / 2);
        }

        public Spec strided(int newStride, int newPadding) {
            return new Spec(inChannels, outChannels, kernel, newStride, newPadding);
        }
    }

    public Conv2d(WeightMap weights, Spec spec) {
        this.weight = weights.take("weight", spec.outChannels(), spec.inChannels(), spec.kernel(), spec.kernel());
        this.bias = weights.take("bias", spec.outChannels());
        this.stride = new Shape(spec.stride(), spec.stride());
        this.padding = new Shape(spec.padding(), spec.padding());
    }

    /** [B, in, H, W] → [B, out, H', W'] */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding, NO_DILATION, 1)
                .singletonOrThrow();
    }
}
