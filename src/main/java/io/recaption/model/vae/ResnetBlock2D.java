package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code ResnetBlock2D} as the VAE uses it: no time embedding ({@code temb_channels=None}),
 * output scale 1, and a 1×1 {@code conv_shortcut} when the channel count changes.
 *
 * <p>VAE-local on purpose: the UNet's resnet (with its time-embedding projection) is written in
 * parallel in {@code model/unet}; the two may be merged into one class once both exist.
 */
final class ResnetBlock2D {

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final BlockStyle style;

    ResnetBlock2D(WeightMap weights, long inChannels, long outChannels, BlockStyle style) {
        this.norm1 = new GroupNorm(weights.child("norm1"), style.groups(), inChannels, style.eps());
        this.conv1 = new Conv2d(weights.child("conv1"), Conv2d.Spec.of(inChannels, outChannels, 3));
        this.norm2 = new GroupNorm(weights.child("norm2"), style.groups(), outChannels, style.eps());
        this.conv2 = new Conv2d(weights.child("conv2"), Conv2d.Spec.of(outChannels, outChannels, 3));
        this.convShortcut = inChannels == outChannels ? null
                : new Conv2d(weights.child("conv_shortcut"), Conv2d.Spec.of(inChannels, outChannels, 1));
        this.style = style;
    }

    /** [B, in, H, W] → [B, out, H, W] */
    NDArray forward(NDArray input) {
        return Scopes.within(input, x -> {
            NDArray h = conv1.forward(style.activation().apply(norm1.forward(x)));
            h = conv2.forward(style.activation().apply(norm2.forward(h)));
            NDArray shortcut = convShortcut == null ? x : convShortcut.forward(x);
            return shortcut.add(h);
        });
    }
}
