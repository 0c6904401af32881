package io.recaption.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code Downsample2D} with {@code use_conv=True}: a 3×3 convolution of stride 2, key
 * {@code conv}. With {@code downsample_padding} 1 the convolution pads by 1 on every side; with 0 diffusers
 * pads the right and bottom edges by one zero column/row instead, and so does this class.
 */
public final class Downsample2D {

    private static final int KERNEL = 3;
    private static final int STRIDE = 2;
    /** F.pad(x, (0, 1, 0, 1)): last dimension first, (left, right, top, bottom). */
    private static final Shape RIGHT_BOTTOM = new Shape(0, 1, 0, 1);

    private final Conv2d conv;
    private final boolean padRightBottom;

    public Downsample2D(WeightMap weights, long channels, int padding) {
        this.conv = new Conv2d(weights.child("conv"), Conv2d.Spec.of(channels, channels, KERNEL).strided(STRIDE, padding));
        this.padRightBottom = padding == 0;
    }

    /** [B, C, H, W] → [B, C, ⌈H/2⌉, ⌈W/2⌉] */
    public NDArray forward(NDArray x) {
        return conv.forward(padRightBottom ? x.pad(RIGHT_BOTTOM, 0) : x);
    }
}
