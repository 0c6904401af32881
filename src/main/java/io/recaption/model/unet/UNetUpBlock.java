package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A block of the UNet's expanding path. */
sealed interface UNetUpBlock permits CrossAttnUpBlock2D, UpBlock2D {

    /** How many skip states the block consumes: one per resnet. */
    int resnetCount();

    /**
     * hidden [B, prev, H, W], temb [B, T], context [B, Nk, crossDim] → [B, out, 2H, 2W] (or upsampleSize;
     * H, W without an upsampler).
     *
     * @param skips the last {@link #resnetCount()} states of the down path in their order; the block
     *     consumes them from the end
     * @param upsampleSize [height, width] of the upsampled output, or null for twice the input
     */
    NDArray forward(NDArray hidden, List<NDArray> skips, NDArray temb, NDArray context, long[] upsampleSize);

    List<Attention> attentionLayers();
}
