package io.recaption.model.unet;

import io.recaption.model.resnet.Upsample2D;
import io.recaption.model.resnet.Downsample2D;
import io.recaption.model.resnet.ResnetBlock2D;
import io.recaption.model.nn.Activations;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of one down, mid or up block as {@code UNet2DConditionModel.__init__} derives it from the
 * config (channels, layer count, heads, context width), and the parts all block types share: their resnets,
 * attentions and resampler, each under its diffusers key.
 *
 * @param inChannels a down block's input; an up block's last skip (from the next-outer level)
 * @param numLayers resnets in the block ({@code layers_per_block}, + 1 in an up block, 1 in the mid block)
 * @param prevOutputChannels an up block's input: the channels of the block below it
 * @param resample whether the block ends with a downsampler or upsampler (all but the outermost)
 */
record UNetBlockSpec(UNet2DConditionConfig config, int numLayers, long inChannels, long outChannels,
                     long prevOutputChannels, boolean resample, int heads, int transformerLayers,
                     long crossAttentionDim, AttentionSite.Place place) {

    /** Down block {@code i}: from the previous block's width (the first: conv_in's) to its own; all but the last downsample. */
    static UNetBlockSpec down(UNet2DConditionConfig config, int i) {
        long input = config.blockOutChannels().get(Math.max(i - 1, 0));
        return atLevel(config, i, config.layersPerBlock().get(i), input, input, i < config.blocks() - 1,
                AttentionSite.Place.DOWN);
    }

    /** The mid block: one transformer between two resnets, at the innermost level. */
    static UNetBlockSpec mid(UNet2DConditionConfig config) {
        int level = config.blocks() - 1;
        long channels = config.blockOutChannels().get(level);
        return atLevel(config, level, 1, channels, channels, false, AttentionSite.Place.MID);
    }

    /**
     * Up block {@code i} mirrors down block {@code blocks − 1 − i} with one resnet more (for the extra skip):
     * its input comes from the level below, its last skip from the level above; all but the last upsample.
     */
    static UNetBlockSpec up(UNet2DConditionConfig config, int i) {
        int last = config.blocks() - 1;
        int level = last - i;
        long skipIn = config.blockOutChannels().get(Math.max(level - 1, 0));
        long previous = config.blockOutChannels().get(Math.min(level + 1, last));
        return atLevel(config, level, config.layersPerBlock().get(level) + 1, skipIn, previous, i < last,
                AttentionSite.Place.UP);
    }

    private static UNetBlockSpec atLevel(UNet2DConditionConfig config, int level, int numLayers, long inChannels,
                                         long prevOutputChannels, boolean resample, AttentionSite.Place place) {
        return new UNetBlockSpec(config, numLayers, inChannels, config.blockOutChannels().get(level), prevOutputChannels,
                resample, config.attentionHeads().get(level), config.transformerLayersPerBlock().get(level),
                config.crossAttentionDim().get(level), place);
    }

    ResnetBlock2D.Spec resnet(long in, long out) {
        double outputScale = place == AttentionSite.Place.MID ? config.midBlockScaleFactor() : 1.0;
        return new ResnetBlock2D.Spec(in, out, config.timeEmbedDim(), config.normNumGroups(), config.normEps(),
                outputScale, Activations.byName(config.source(), config.actFn()));
    }

    /** {@code resnets.j} of a down block: the first takes the block's input channels. */
    List<ResnetBlock2D> downResnets(WeightMap weights) {
        List<ResnetBlock2D> out = new ArrayList<>();
        for (int j = 0; j < numLayers; j++) {
            out.add(new ResnetBlock2D(weights.child("resnets", j), resnet(j == 0 ? inChannels : outChannels, outChannels)));
        }
        return out;
    }

    /**
     * {@code resnets.j} of an up block, each fed its input concatenated with one skip state: the first
     * input is the block below's output, the last skip comes from the next-outer down level.
     */
    List<ResnetBlock2D> upResnets(WeightMap weights) {
        List<ResnetBlock2D> out = new ArrayList<>();
        for (int j = 0; j < numLayers; j++) {
            long skip = j == numLayers - 1 ? inChannels : outChannels;
            long input = j == 0 ? prevOutputChannels : outChannels;
            out.add(new ResnetBlock2D(weights.child("resnets", j), resnet(input + skip, outChannels)));
        }
        return out;
    }

    /** {@code attentions.0 … attentions.(count−1)}, one Transformer2DModel each, at the block's output channels. */
    List<Transformer2DModel> attentions(WeightMap weights, int count) {
        Transformer2DModel.Spec spec = new Transformer2DModel.Spec(outChannels, heads, transformerLayers,
                crossAttentionDim, config.normNumGroups(), config.useLinearProjection(), place);
        List<Transformer2DModel> out = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            out.add(new Transformer2DModel(weights.child("attentions", j), spec));
        }
        return out;
    }

    /** {@code downsamplers.0}, or null for the innermost down block. */
    Downsample2D downsampler(WeightMap weights) {
        return resample ? new Downsample2D(weights.child("downsamplers", 0), outChannels, config.downsamplePadding()) : null;
    }

    /** {@code upsamplers.0}, or null for the outermost up block. */
    Upsample2D upsampler(WeightMap weights) {
        return resample ? new Upsample2D(weights.child("upsamplers", 0), outChannels) : null;
    }

    static List<Attention> attentionLayers(List<Transformer2DModel> attentions) {
        List<Attention> out = new ArrayList<>();
        for (Transformer2DModel attention : attentions) {
            out.addAll(attention.attentionLayers());
        }
        return out;
    }
}
