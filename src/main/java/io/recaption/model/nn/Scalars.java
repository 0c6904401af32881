package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplying or dividing an array by a number in a way autograd survives.
 *
 * <p>DJL's {@code NDArray.mul(Number)} and {@code div(Number)} wrap the number in a temporary array
 * whose memory is a Java direct buffer handed to libtorch without a copy, and close it right after
 * the op. libtorch's autograd keeps that scalar for the backward pass (∂(x·c)/∂x = c); once the
 * buffer is garbage-collected the backward pass reads freed memory and the gradient turns to
 * garbage or NaN at random. Here the scalar is allocated by libtorch itself ({@code torch::full}),
 * so the graph owns what it keeps. Every scaling in a path that gradients flow through (the UNet,
 * the scheduler's step, guidance) goes through this class.
 */
public final class Scalars {

    private Scalars() {}

    /** x · value, same shape and type as x. */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray scalar = x.getManager().full(new Shape(), (float) value, x.getDataType())) {
            return x.mul(scalar);
        }
    }

    /** x / value, same shape and type as x. */
    public static NDArray div(NDArray x, double value) {
        try (NDArray scalar = x.getManager().full(new Shape(), (float) value, x.getDataType())) {
            return x.div(scalar);
        }
    }
}
