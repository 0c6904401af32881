package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
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
        try (NDArray scalar = scalar(x, value)) {
            return x.mul(scalar);
        }
    }

    /** x / value, same shape and type as x. */
    public static NDArray div(NDArray x, double value) {
        try (NDArray scalar = scalar(x, value)) {
            return x.div(scalar);
        }
    }

    /**
     * A 0-dim scalar for x: of x's type, or float32 for a bfloat16 x (DJL cannot make a bfloat16 array, see
     * Precision; a 0-dim operand does not promote a tensor, so the result stays bfloat16).
     */
    private static NDArray scalar(NDArray x, double value) {
        DataType type = x.getDataType() == DataType.UNKNOWN ? DataType.FLOAT32 : x.getDataType();
        return x.getManager().full(new Shape(), (float) value, type);
    }
}
