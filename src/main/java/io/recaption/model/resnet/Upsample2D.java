package io.recaption.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.NearestUpsample;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.WeightMap;
import java.util.Arrays;

/**
 * diffusers' {@code Upsample2D} with {@code use_conv=True}: nearest-neighbour upsampling, then a 3×3
 * convolution, key {@code conv}. The output is twice the input unless the UNet passes an explicit size
 * (its {@code upsample_size}, the size of the skip connection that follows), which it does when the latent
 * is not divisible by 2^(number of upsamplers) and a down path rounded an odd size up.
 */
public final class Upsample2D {

    private static final int KERNEL = 3;

    private final Conv2d conv;

    public Upsample2D(WeightMap weights, long channels) {
        this.conv = new Conv2d(weights.child("conv"), Conv2d.Spec.of(channels, channels, KERNEL));
    }

    /**
     * [B, C, H, W] → [B, C, outH, outW], where (outH, outW) is {@code outputSize} or (2H, 2W) when it is null.
     *
     * @param outputSize the spatial size [outH, outW], or null for twice the input
     */
    public NDArray forward(NDArray x, long[] outputSize) {
        Shape s = x.getShape();
        long outH = outputSize == null ? 2 * s.get(2) : outputSize[0];
        long outW = outputSize == null ? 2 * s.get(3) : outputSize[1];
        if (outH == 2 * s.get(2) && outW == 2 * s.get(3)) {
            // the upsampled map (4× the input) freed once convolved
            return Scope.consume(NearestUpsample.twice(x), conv::forward);
        }
        NDArray resized = nearest(nearest(x, 2, outH), 3, outW);
        // freed once convolved, unless it is the caller's input itself (no axis changed size)
        return resized == x ? conv.forward(x) : Scope.consume(resized, conv::forward);
    }

    /**
     * Nearest-neighbour resize of one axis as {@code F.interpolate(mode="nearest")} computes it:
     * source index = min(⌊i · (in/out)⌋, in − 1), the ratio in float, and i/2 exactly when out = 2·in.
     */
    static NDArray nearest(NDArray x, int axis, long out) {
        Shape shape = x.getShape();
        long in = shape.get(axis);
        if (out == in) {
            return x;
        }
        if (out == 2 * in) {
            return x.repeat(axis, 2);
        }
        float ratio = (float) in / out;
        long[] source = new long[(int) out];
        for (int i = 0; i < source.length; i++) {
            source[i] = Math.min((long) Math.floor((float) i * ratio), in - 1);
        }
        long[] indexShape = new long[shape.dimension()];
        Arrays.fill(indexShape, 1);
        indexShape[axis] = out;
        long[] outShape = shape.getShape().clone();
        outShape[axis] = out;
        // gather keeps its index for the backward pass: the index must be libtorch's memory, not the
        // Java buffer DJL's create(long[]) wraps (see Scalars)
        try (NDArray wrapped = x.getManager().create(source)) {
            NDArray index = wrapped.duplicate().reshape(new Shape(indexShape)).broadcast(new Shape(outShape));
            return x.gather(index, axis);
        }
    }
}
