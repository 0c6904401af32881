package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * diffusers' VAE {@code Decoder}: {@code conv_in} to the widest channel count, {@code mid_block},
 * one {@code UpDecoderBlock2D} per level in reversed channel order ({@code up_blocks.i}, each with
 * {@code layers_per_block + 1} resnets), then {@code conv_norm_out}, SiLU and {@code conv_out}.
 * The final activation is SiLU whatever {@code act_fn} says, as in diffusers.
 */
final class Decoder {

    private final Conv2d convIn;
    private final UNetMidBlock2D midBlock;
    private final List<UpDecoderBlock2D> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;
    private final List<UnaryOperator<NDArray>> stages;

    Decoder(WeightMap weights, AutoencoderKLConfig config, BlockStyle style) {
        int[] channels = config.blockOutChannels();
        int levels = channels.length;
        long top = channels[levels - 1];
        this.convIn = new Conv2d(weights.child("conv_in"), Conv2d.Spec.of(config.latentChannels(), top, 3));
        this.midBlock = new UNetMidBlock2D(weights.child("mid_block"), top, config.midBlockAddAttention(), style);
        long previous = top;
        for (int i = 0; i < levels; i++) {
            long out = channels[levels - 1 - i];
            upBlocks.add(new UpDecoderBlock2D(weights.child("up_blocks", i), previous, out,
                    config.layersPerBlock() + 1, i < levels - 1, style));
            previous = out;
        }
        this.convNormOut = new GroupNorm(weights.child("conv_norm_out"), style.groups(), channels[0], style.eps());
        this.convOut = new Conv2d(weights.child("conv_out"), Conv2d.Spec.of(channels[0], config.outChannels(), 3));

        List<UnaryOperator<NDArray>> all = new ArrayList<>();
        all.add(convIn::forward);
        all.add(midBlock::forward);
        upBlocks.forEach(block -> all.add(block::forward));
        all.add(x -> Scopes.within(x, h -> convOut.forward(convNormOut.forwardSilu(h))));
        this.stages = List.copyOf(all);
    }

    /** [B, latent, h, w] → [B, out, h·f, w·f] with f the downscale factor */
    NDArray forward(NDArray z) {
        return Scopes.chain(z, stages);
    }
}
