package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * diffusers' VAE {@code Encoder} ({@code double_z=True}): {@code conv_in}, one
 * {@code DownEncoderBlock2D} per level ({@code down_blocks.i}), {@code mid_block}, then
 * {@code conv_norm_out}, SiLU and {@code conv_out} to 2·latent channels (mean and log-variance).
 * The final activation is SiLU whatever {@code act_fn} says, as in diffusers.
 */
final class Encoder {

    private final Conv2d convIn;
    private final List<DownEncoderBlock2D> downBlocks = new ArrayList<>();
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;
    private final List<UnaryOperator<NDArray>> stages;

    Encoder(WeightMap weights, AutoencoderKLConfig config, BlockStyle style) {
        int[] channels = config.blockOutChannels();
        int levels = channels.length;
        this.convIn = new Conv2d(weights.child("conv_in"), Conv2d.Spec.of(config.inChannels(), channels[0], 3));
        long previous = channels[0];
        for (int i = 0; i < levels; i++) {
            downBlocks.add(new DownEncoderBlock2D(weights.child("down_blocks", i), previous, channels[i],
                    config.layersPerBlock(), i < levels - 1, style));
            previous = channels[i];
        }
        long top = channels[levels - 1];
        this.midBlock = new UNetMidBlock2D(weights.child("mid_block"), top, config.midBlockAddAttention(), style);
        this.convNormOut = new GroupNorm(weights.child("conv_norm_out"), style.groups(), top, style.eps());
        this.convOut = new Conv2d(weights.child("conv_out"), Conv2d.Spec.of(top, 2L * config.latentChannels(), 3));

        List<UnaryOperator<NDArray>> all = new ArrayList<>();
        all.add(convIn::forward);
        downBlocks.forEach(block -> all.add(block::forward));
        all.add(midBlock::forward);
        all.add(x -> Scopes.within(x, h -> convOut.forward(convNormOut.forwardSilu(h))));
        this.stages = List.copyOf(all);
    }

    /** [B, in, H, W] → [B, 2·latent, H/f, W/f] with f the downscale factor */
    NDArray forward(NDArray x) {
        return Scopes.chain(x, stages);
    }
}
