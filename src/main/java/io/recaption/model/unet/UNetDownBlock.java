package io.recaption.model.unet;

import io.recaption.model.resnet.Downsample2D;
import ai.djl.ndarray.NDArray;
import java.util.List;

/** A block of the UNet's contracting path. */
sealed interface UNetDownBlock permits CrossAttnDownBlock2D, DownBlock2D {

    /**
     * @param hidden the block's output
     * @param states what the up path concatenates later: each resnet's (or resnet + attention's) output,
     *     then the downsampled output
     */
    record Output(NDArray hidden, List<NDArray> states) {}

    /** hidden [B, in, H, W], temb [B, T], context [B, Nk, crossDim] → [B, out, H/2, W/2] (H, W without a downsampler) */
    Output forward(NDArray hidden, NDArray temb, NDArray context);

    List<Attention> attentionLayers();

    /** The block's output after its (optional) downsampler, which also adds one more skip state. */
    static Output downsample(NDArray x, List<NDArray> states, Downsample2D downsampler) {
        if (downsampler == null) {
            return new Output(x, states);
        }
        NDArray down = downsampler.forward(x);
        states.add(down);
        return new Output(down, states);
    }
}
