package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code Downsample2D} as the VAE encoder builds it ({@code padding=0}): the input is
 * zero-padded by one row at the bottom and one column at the right, then a 3×3 stride-2 convolution
 * without padding halves it. (The UNet's downsampler pads symmetrically instead; the windows differ.)
 * Key: {@code conv}.
 */
final class Downsample2D {

    /** torch's {@code F.pad} order, last axis first: (left, right, top, bottom). */
    private static final Shape PAD_RIGHT_BOTTOM = new Shape(0, 1, 0, 1);

    private final Conv2d conv;

    Downsample2D(WeightMap weights, long channels) {
        this.conv = new Conv2d(weights.child("conv"), Conv2d.Spec.of(channels, channels, 3).strided(2, 0));
    }

    /** [B, C, H, W] → [B, C, H/2, W/2] */
    NDArray forward(NDArray input) {
        return Scopes.within(input, x -> conv.forward(x.pad(PAD_RIGHT_BOTTOM, 0)));
    }
}
