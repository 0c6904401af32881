package io.recaption.model.vae;

import io.recaption.model.resnet.Downsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * diffusers' {@code DownEncoderBlock2D}: {@code layers_per_block} resnets, then (on every level
 * but the last) a stride-2 downsampler. Keys: {@code resnets.j}, {@code downsamplers.0}.
 */
final class DownEncoderBlock2D {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final Downsample2D downsampler;

    /** The encoder's downsamplers are built with padding=0: pad right and bottom by one, then convolve. */
    private static final int DOWNSAMPLE_PADDING = 0;

    DownEncoderBlock2D(WeightMap weights, long inChannels, long outChannels, int layers, boolean addDownsample,
            BlockStyle style) {
        for (int j = 0; j < layers; j++) {
            resnets.add(new ResnetBlock2D(weights.child("resnets", j), style.resnet(j == 0 ? inChannels : outChannels,
                    outChannels)));
        }
        this.downsampler = addDownsample ? new Downsample2D(weights.child("downsamplers", 0), outChannels,
                DOWNSAMPLE_PADDING) : null;
    }

    /** [B, in, H, W] → [B, out, H/2, W/2] (H, W on the last level) */
    NDArray forward(NDArray x) {
        List<UnaryOperator<NDArray>> stages = new ArrayList<>();
        for (ResnetBlock2D resnet : resnets) {
            stages.add(h -> resnet.forward(h, null));
        }
        if (downsampler != null) {
            stages.add(downsampler::forward);
        }
        return Scopes.chain(x, stages);
    }
}
