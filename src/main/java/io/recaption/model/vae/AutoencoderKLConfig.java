package io.recaption.model.vae;

import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.util.Arrays;
import java.util.List;

/**
 * diffusers' {@code AutoencoderKL} configuration, read from {@code vae/config.json}.
 *
 * <p>Missing scalar keys take diffusers' own defaults from {@code AutoencoderKL.__init__} (older
 * hub configs, SD 1.x's among them, predate {@code scaling_factor} and rely on its default
 * 0.18215). The block layout ({@code block_out_channels}, {@code down_block_types},
 * {@code up_block_types}) is required: its defaults describe a one-level toy model, so a config
 * without it is more likely not an AutoencoderKL config at all.
 *
 * <p>Refused rather than silently mis-run: other autoencoder classes, block types other than
 * {@code DownEncoderBlock2D}/{@code UpDecoderBlock2D}, and the latent normalisation of later
 * models ({@code shift_factor}, {@code latents_mean}, {@code latents_std}: SD3/Flux and
 * Playground-style VAEs), which this engine's pipeline does not apply.
 *
 * @param forceUpcast accepted and kept; it asks pipelines to run the VAE in float32, which this
 *     engine always does
 */
public record AutoencoderKLConfig(
        int inChannels,
        int outChannels,
        int latentChannels,
        int[] blockOutChannels,
        int layersPerBlock,
        int normNumGroups,
        String actFn,
        double scalingFactor,
        List<String> downBlockTypes,
        List<String> upBlockTypes,
        int sampleSize,
        boolean forceUpcast,
        boolean useQuantConv,
        boolean usePostQuantConv,
        boolean midBlockAddAttention) {

    /** The only down block type of diffusers' VAE encoder. */
    public static final String DOWN_ENCODER_BLOCK = "DownEncoderBlock2D";
    /** The only up block type of diffusers' VAE decoder. */
    public static final String UP_DECODER_BLOCK = "UpDecoderBlock2D";

    public AutoencoderKLConfig {
        blockOutChannels = blockOutChannels.clone();
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
    }

    @Override
    public int[] blockOutChannels() {
        return blockOutChannels.clone();
    }

    /** Value equality, including the channel list (a record compares arrays by identity). */
    @Override
    public boolean equals(Object other) {
        return other instanceof AutoencoderKLConfig that
                && toString().equals(that.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "AutoencoderKLConfig[inChannels=" + inChannels + ", outChannels=" + outChannels
                + ", latentChannels=" + latentChannels + ", blockOutChannels=" + Arrays.toString(blockOutChannels)
                + ", layersPerBlock=" + layersPerBlock + ", normNumGroups=" + normNumGroups + ", actFn=" + actFn
                + ", scalingFactor=" + scalingFactor + ", downBlockTypes=" + downBlockTypes
                + ", upBlockTypes=" + upBlockTypes + ", sampleSize=" + sampleSize + ", forceUpcast=" + forceUpcast
                + ", useQuantConv=" + useQuantConv + ", usePostQuantConv=" + usePostQuantConv
                + ", midBlockAddAttention=" + midBlockAddAttention + "]";
    }

    /** Parses and validates {@code vae/config.json}. */
    public static AutoencoderKLConfig from(JsonConfig json) {
        String source = json.source();
        String className = json.stringValue("_class_name", "AutoencoderKL");
        if (!className.equals("AutoencoderKL")) {
            throw new WeightLoadException(source + ": '_class_name' = " + className
                    + " is not supported (only AutoencoderKL)");
        }
        for (String key : List.of("shift_factor", "latents_mean", "latents_std")) {
            if (json.has(key)) {
                throw new WeightLoadException(source + ": '" + key + "' is set, but latent shift/normalisation"
                        + " (SD3/Flux-style VAEs) is not supported; only scaling_factor is applied");
            }
        }
        int[] blockOut = json.ints("block_out_channels");
        List<String> down = json.strings("down_block_types");
        List<String> up = json.strings("up_block_types");
        // the fallbacks are AutoencoderKL.__init__'s defaults in diffusers
        AutoencoderKLConfig config = new AutoencoderKLConfig(
                json.intValue("in_channels", 3),
                json.intValue("out_channels", 3),
                json.intValue("latent_channels", 4),
                blockOut,
                json.intValue("layers_per_block", 1),
                json.intValue("norm_num_groups", 32),
                json.stringValue("act_fn", "silu"),
                json.doubleValue("scaling_factor", 0.18215),
                down,
                up,
                json.intValue("sample_size", 32),
                json.boolValue("force_upcast", true),
                json.boolValue("use_quant_conv", true),
                json.boolValue("use_post_quant_conv", true),
                json.boolValue("mid_block_add_attention", true));
        config.validate(source);
        return config;
    }

    private void validate(String source) {
        if (blockOutChannels.length == 0) {
            throw new WeightLoadException(source + ": 'block_out_channels' is empty");
        }
        checkBlocks(source, "down_block_types", downBlockTypes, DOWN_ENCODER_BLOCK);
        checkBlocks(source, "up_block_types", upBlockTypes, UP_DECODER_BLOCK);
        for (int channels : blockOutChannels) {
            if (channels <= 0 || channels % normNumGroups != 0) {
                throw new WeightLoadException(source + ": block_out_channels " + channels
                        + " is not a positive multiple of norm_num_groups " + normNumGroups);
            }
        }
        if (inChannels <= 0 || outChannels <= 0 || latentChannels <= 0 || layersPerBlock <= 0 || normNumGroups <= 0) {
            throw new WeightLoadException(source + ": channel counts, layers_per_block and norm_num_groups must be"
                    + " positive");
        }
        if (scalingFactor <= 0) {
            throw new WeightLoadException(source + ": 'scaling_factor' must be positive, found " + scalingFactor);
        }
    }

    private void checkBlocks(String source, String key, List<String> types, String supported) {
        if (types.size() != blockOutChannels.length) {
            throw new WeightLoadException(source + ": '" + key + "' has " + types.size() + " entries but"
                    + " block_out_channels has " + blockOutChannels.length);
        }
        for (String type : types) {
            if (!type.equals(supported)) {
                throw new WeightLoadException(source + ": '" + key + "' contains " + type
                        + ", which is not supported (only " + supported + ")");
            }
        }
    }

    /** Spatial factor between pixels and latents: one stride-2 downsampler per level but the last. */
    public int downscaleFactor() {
        return 1 << (blockOutChannels.length - 1);
    }
}
