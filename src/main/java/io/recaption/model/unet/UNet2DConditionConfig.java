package io.recaption.model.unet;

import io.recaption.model.nn.Activations;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The part of diffusers' {@code UNet2DConditionModel} config that Stable Diffusion 1.x/2.x and SDXL use, read
 * from the snapshot's {@code unet/config.json}. Every option this engine does not implement is
 * refused with the key and value in the message, never ignored.
 *
 * <p>Heads: diffusers calls the number of heads {@code attention_head_dim} (SD 1.x's
 * {@code attention_head_dim: 8} means 8 heads of 40 channels at 320 channels) and refuses
 * {@code num_attention_heads} outright ({@code UNet2DConditionModel.__init__} raises when it is set,
 * issue huggingface/diffusers#2011). {@link #attentionHeads()} is that per-block head count, and each
 * block's head width is its channel count divided by it.
 *
 * @param sampleSize the latent size the model was trained at (the default latent of the bench)
 * @param downBlockTypes diffusers block class names, without the legacy {@code UNetRes} prefix
 * @param midBlockType {@link #MID_BLOCK} or {@code null} for a UNet without a mid block
 * @param attentionHeads heads per down block (the up blocks use this list reversed)
 * @param textTime SDXL's added text-and-time conditioning, or null (SD 1.x/2.x)
 * @param upcastAttention accepted and without effect: diffusers upcasts the attention logits to
 *     float32 for half-precision runs, and this engine computes in float32 throughout (half-precision
 *     weights are upcast on load)
 */
public record UNet2DConditionConfig(
        String source,
        int sampleSize,
        int inChannels,
        int outChannels,
        boolean centerInputSample,
        boolean flipSinToCos,
        double freqShift,
        List<String> downBlockTypes,
        String midBlockType,
        List<String> upBlockTypes,
        List<Integer> blockOutChannels,
        List<Integer> layersPerBlock,
        int downsamplePadding,
        double midBlockScaleFactor,
        String actFn,
        int normNumGroups,
        double normEps,
        List<Integer> crossAttentionDim,
        List<Integer> attentionHeads,
        List<Integer> transformerLayersPerBlock,
        boolean useLinearProjection,
        boolean upcastAttention,
        TextTime textTime) {

    /**
     * SDXL's added conditioning ({@code addition_embed_type: "text_time"}): each of the six time ids embedded
     * sinusoidally to {@code timeEmbedDim} channels ({@code add_time_proj}), concatenated after the pooled text
     * embedding, {@code inputDim} wide in all ({@code projection_class_embeddings_input_dim}: 1280 + 6 × 256 = 2816 in
     * base), through {@code add_embedding} and added to the time embedding.
     */
    public record TextTime(int timeEmbedDim, int inputDim) {

        /** The six ids of {@code StableDiffusionXLPipeline._get_add_time_ids}: original size, crop corner, target size. */
        public static final int TIME_IDS = 6;

        /** The pooled text embedding's width that the input width leaves: inputDim − 6 × timeEmbedDim. */
        public int pooledDim() {
            return inputDim - TIME_IDS * timeEmbedDim;
        }
    }

    public static final String CROSS_ATTN_DOWN_BLOCK = "CrossAttnDownBlock2D";
    public static final String DOWN_BLOCK = "DownBlock2D";
    public static final String CROSS_ATTN_UP_BLOCK = "CrossAttnUpBlock2D";
    public static final String UP_BLOCK = "UpBlock2D";
    public static final String MID_BLOCK = "UNetMidBlock2DCrossAttn";

    /** diffusers' {@code get_down_block}/{@code get_up_block} strip this legacy prefix. */
    private static final String LEGACY_PREFIX = "UNetRes";

    // Architecture constants that config.json does not carry: diffusers fixes them in code.
    /** {@code Transformer2DModel.norm}: {@code GroupNorm(..., eps=1e-6)}. */
    public static final double TRANSFORMER_GROUP_NORM_EPS = 1e-6;
    /** {@code BasicTransformerBlock} norm1..3: {@code LayerNorm(eps=norm_eps)} with Transformer2DModel's default 1e-5. */
    public static final double TRANSFORMER_LAYER_NORM_EPS = 1e-5;
    /** {@code FeedForward(mult=4)}: the GEGLU's inner width is 4 × the channels. */
    public static final int FEED_FORWARD_MULT = 4;
    /** {@code _set_time_proj}: {@code time_embed_dim = block_out_channels[0] * 4}. */
    public static final int TIME_EMBED_MULT = 4;
    /** {@code conv_in_kernel} and {@code conv_out_kernel}: the only value supported (every SD checkpoint's). */
    public static final int CONV_KERNEL = 3;
    /** {@code get_timestep_embedding(max_period=10000)}. */
    public static final double TIMESTEP_MAX_PERIOD = 10000;

    // Defaults of UNet2DConditionModel.__init__ for keys a config may omit.
    private static final int DEFAULT_CHANNELS = 4;
    private static final int DEFAULT_HEADS = 8;
    private static final int DEFAULT_LAYERS = 2;
    private static final int DEFAULT_GROUPS = 32;
    private static final double DEFAULT_NORM_EPS = 1e-5;

    public static UNet2DConditionConfig from(JsonConfig json) {
        String source = json.source();
        json.refuseUnless("_class_name", "UNet2DConditionModel");
        refuseOptions(json);

        int[] blockOut = json.ints("block_out_channels");
        int blocks = blockOut.length;
        if (blocks == 0) {
            throw new WeightLoadException(source + ": block_out_channels is empty");
        }
        List<String> down = blockTypes(json, "down_block_types", List.of(CROSS_ATTN_DOWN_BLOCK, DOWN_BLOCK));
        List<String> up = blockTypes(json, "up_block_types", List.of(CROSS_ATTN_UP_BLOCK, UP_BLOCK));
        if (down.size() != blocks || up.size() != blocks) {
            throw new WeightLoadException(source + ": " + blocks + " block_out_channels but " + down.size()
                    + " down_block_types and " + up.size() + " up_block_types");
        }
        String mid = json.isExplicitNull("mid_block_type") ? null : json.stringValue("mid_block_type", MID_BLOCK);
        if (mid != null && !mid.equals(MID_BLOCK)) {
            throw new WeightLoadException(source + ": mid_block_type '" + mid + "' is not supported (only "
                    + MID_BLOCK + " or null)");
        }
        if (json.isExplicitNull("norm_num_groups")) {
            throw new WeightLoadException(source + ": norm_num_groups = null (a UNet without group norms) is not"
                    + " supported");
        }
        int groups = json.intValue("norm_num_groups", DEFAULT_GROUPS);
        int[] heads = json.intsPerBlock("attention_head_dim", blocks, filled(blocks, DEFAULT_HEADS));
        String actFn = json.stringValue("act_fn", "silu");
        Activations.byName(source, actFn);

        UNet2DConditionConfig config = new UNet2DConditionConfig(
                source,
                json.intValue("sample_size"),
                json.intValue("in_channels", DEFAULT_CHANNELS),
                json.intValue("out_channels", DEFAULT_CHANNELS),
                json.boolValue("center_input_sample", false),
                json.boolValue("flip_sin_to_cos", true),
                json.doubleValue("freq_shift", 0),
                down,
                mid,
                up,
                list(blockOut),
                list(json.intsPerBlock("layers_per_block", blocks, filled(blocks, DEFAULT_LAYERS))),
                json.intValue("downsample_padding", 1),
                json.doubleValue("mid_block_scale_factor", 1),
                actFn,
                groups,
                json.doubleValue("norm_eps", DEFAULT_NORM_EPS),
                list(json.intsPerBlock("cross_attention_dim", blocks)),
                list(heads),
                list(json.intsPerBlock("transformer_layers_per_block", blocks, filled(blocks, 1))),
                json.boolValue("use_linear_projection", false),
                json.boolValue("upcast_attention", false),
                textTime(json));
        config.validate();
        return config;
    }

    /** Options that change the architecture in ways this engine does not implement. */
    private static void refuseOptions(JsonConfig json) {
        if (json.has("num_attention_heads")) {
            throw new WeightLoadException(json.source() + ": num_attention_heads is set; diffusers'"
                    + " UNet2DConditionModel refuses it too (the head count is attention_head_dim, see"
                    + " huggingface/diffusers#2011)");
        }
        json.refuseUnless("only_cross_attention", false);
        json.refuseUnless("mid_block_only_cross_attention", false);
        json.refuseUnless("dual_cross_attention", false);
        json.refuseUnless("resnet_time_scale_shift", "default");
        json.refuseUnless("time_embedding_type", "positional");
        json.refuseUnless("attention_type", "default");
        json.refuseUnless("conv_in_kernel", CONV_KERNEL);
        json.refuseUnless("conv_out_kernel", CONV_KERNEL);
        json.refuseUnless("class_embeddings_concat", false);
        // Each of these adds an embedding or projection (SDXL's text-time embedding, class labels,
        // LCM's timestep condition, an image-hint input...); only plain text conditioning is supported.
        for (String key : List.of("class_embed_type", "num_class_embeds", "encoder_hid_dim",
                "encoder_hid_dim_type", "time_cond_proj_dim", "time_embedding_dim", "time_embedding_act_fn",
                "timestep_post_act", "cross_attention_norm", "reverse_transformer_layers_per_block")) {
            if (json.has(key)) {
                throw new WeightLoadException(json.source() + ": '" + key + "' is set, which this engine does not"
                        + " support (Stable Diffusion 1.x/2.x and SDXL text-conditioned UNets only)");
            }
        }
        // resnet_skip_time_act, resnet_out_scale_factor and addition_embed_type_num_heads only reach block
        // types refused above (diffusers passes them to Simple*/ResnetDownsample blocks and the addition
        // embedding), and dropout does nothing at inference: they are read by nobody, on purpose.
    }

    /** {@code addition_embed_type}: none, or SDXL's "text_time" with both of its widths; any other is refused. */
    private static TextTime textTime(JsonConfig json) {
        if (!json.has("addition_embed_type")) {
            // diffusers reads addition_time_embed_dim and projection_class_embeddings_input_dim only for an addition
            // (or a class "projection", refused above): without one they change nothing
            return null;
        }
        String type = json.stringValue("addition_embed_type");
        if (!type.equals("text_time")) {
            throw new WeightLoadException(json.source() + ": addition_embed_type '" + type + "' is not supported"
                    + " (only \"text_time\", SDXL's, or none)");
        }
        TextTime textTime = new TextTime(json.intValue("addition_time_embed_dim"),
                json.intValue("projection_class_embeddings_input_dim"));
        if (textTime.timeEmbedDim() <= 0 || textTime.pooledDim() <= 0) {
            throw new WeightLoadException(json.source() + ": projection_class_embeddings_input_dim "
                    + textTime.inputDim() + " leaves no room for a pooled text embedding beside "
                    + TextTime.TIME_IDS + " time ids of addition_time_embed_dim " + textTime.timeEmbedDim());
        }
        return textTime;
    }

    private static List<String> blockTypes(JsonConfig json, String key, List<String> supported) {
        List<String> out = new ArrayList<>();
        for (String type : json.strings(key)) {
            String name = type.startsWith(LEGACY_PREFIX) ? type.substring(LEGACY_PREFIX.length()) : type;
            if (!supported.contains(name)) {
                throw new WeightLoadException(json.source() + ": " + key + " has '" + type + "', which is not"
                        + " supported (only " + supported + ")");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    private static List<Integer> list(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static int[] filled(int length, int value) {
        int[] out = new int[length];
        Arrays.fill(out, value);
        return out;
    }

    private void validate() {
        int blocks = blocks();
        for (int i = 0; i < blocks; i++) {
            int channels = blockOutChannels.get(i);
            int heads = attentionHeads.get(i);
            if (channels % normNumGroups != 0) {
                throw new WeightLoadException(source + ": block_out_channels[" + i + "] = " + channels
                        + " does not split into norm_num_groups = " + normNumGroups);
            }
            boolean attends = downBlockTypes.get(i).equals(CROSS_ATTN_DOWN_BLOCK)
                    || upBlockTypes.get(blocks - 1 - i).equals(CROSS_ATTN_UP_BLOCK)
                    || (i == blocks - 1 && hasMidBlock());
            if (attends && (heads <= 0 || channels % heads != 0)) {
                throw new WeightLoadException(source + ": block " + i + " has " + channels + " channels, which do not"
                        + " split into attention_head_dim = " + heads + " heads");
            }
        }
        if (downsamplePadding != 0 && downsamplePadding != 1) {
            throw new WeightLoadException(source + ": downsample_padding = " + downsamplePadding
                    + " is not supported (only 0 or 1)");
        }
    }

    public int blocks() {
        return blockOutChannels.size();
    }

    /**
     * How much smaller than the latent the down blocks with cross-attention work, ascending (1 for the
     * first block, 2 for the second, …); the up blocks mirror them.
     */
    public List<Integer> crossAttentionDivisors() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < downBlockTypes.size(); i++) {
            if (CROSS_ATTN_DOWN_BLOCK.equals(downBlockTypes.get(i))) {
                out.add(1 << i);
            }
        }
        return out;
    }

    public boolean hasMidBlock() {
        return midBlockType != null;
    }

    /** Width of the sinusoidal timestep embedding: the first block's channel count. */
    public int timestepChannels() {
        return blockOutChannels.get(0);
    }

    /** Width of the time embedding that every resnet receives. */
    public int timeEmbedDim() {
        return blockOutChannels.get(0) * TIME_EMBED_MULT;
    }
}
