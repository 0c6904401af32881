package io.recaption.model.vae;

import io.recaption.model.resnet.Upsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * diffusers' {@code UpDecoderBlock2D}: {@code layers_per_block + 1} resnets, then (on every level
 * but the last) a nearest ×2 upsampler. Keys: {@code resnets.j}, {@code upsamplers.0}.
 */
final class UpDecoderBlock2D {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final Upsample2D upsampler;

    UpDecoderBlock2D(WeightMap weights, long inChannels, long outChannels, int layers, boolean addUpsample,
            BlockStyle style) {
        for (int j = 0; j < layers; j++) {
            resnets.add(new ResnetBlock2D(weights.child("resnets", j), style.resnet(j == 0 ? inChannels : outChannels,
                    outChannels)));
        }
        this.upsampler = addUpsample ? new Upsample2D(weights.child("upsamplers", 0), outChannels) : null;
    }

    /** [B, in, H, W] → [B, out, 2H, 2W] (H, W on the last level) */
    NDArray forward(NDArray x) {
        List<UnaryOperator<NDArray>> stages = new ArrayList<>();
        for (ResnetBlock2D resnet : resnets) {
            stages.add(h -> resnet.forward(h, null));
        }
        if (upsampler != null) {
            stages.add(h -> upsampler.forward(h, null));
        }
        return Scopes.chain(x, stages);
    }
}
