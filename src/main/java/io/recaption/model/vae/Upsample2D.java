package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code Upsample2D} with {@code use_conv=True}: nearest-neighbour ×2 (each pixel
 * repeated along height and width, which is exactly {@code F.interpolate(mode="nearest")} for an
 * integer factor), then a 3×3 convolution. Key: {@code conv}.
 */
final class Upsample2D {

    private final Conv2d conv;

    Upsample2D(WeightMap weights, long channels) {
        this.conv = new Conv2d(weights.child("conv"), Conv2d.Spec.of(channels, channels, 3));
    }

    /** [B, C, H, W] → [B, C, 2H, 2W] */
    NDArray forward(NDArray input) {
        return Scopes.within(input, x -> conv.forward(x.repeat(2, 2).repeat(3, 2)));
    }
}
