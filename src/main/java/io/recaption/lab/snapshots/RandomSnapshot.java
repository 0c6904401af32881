package io.recaption.lab.snapshots;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a Stable Diffusion 1.x-shaped diffusers snapshot with seeded random weights, for
 * benchmarks and tests. The configs are written first; each component is then built by its own
 * strict loader over generated weights ({@link Snapshot#generating}), so the written key set is
 * exactly the one the loaders (and diffusers) expect. The tokenizer is the project's bundled small
 * CLIP BPE vocabulary.
 */
public final class RandomSnapshot {

    /**
     * The sizes of a snapshot.
     *
     * @param unetChannels the UNet's block_out_channels (four levels, cross-attention on the first three)
     * @param heads attention heads per UNet transformer (SD 1.x's {@code attention_head_dim})
     * @param contextWidth text encoder hidden size = UNet cross_attention_dim
     */
    public record Preset(String name, int[] unetChannels, int layersPerBlock, int heads, int contextWidth,
            int textLayers, int textHeads, int[] vaeChannels, int vaeLayersPerBlock, int sampleSize) {

        /** The benchmark model of the null-text inversion issue: 256² images, about 60 M UNet parameters. */
        public static Preset mid() {
            return new Preset("mid", new int[] {64, 128, 256, 256}, 2, 8, 256, 4, 4, new int[] {32, 64, 128, 128}, 1,
                    32);
        }

        /** The shapes of the reference fixture's tiny model. */
        public static Preset tiny() {
            return new Preset("tiny", new int[] {32, 32, 64, 64}, 2, 4, 32, 2, 4, new int[] {32, 32, 64, 64}, 1, 32);
        }

        /** Stable Diffusion 1.5's own sizes (512² images, 860 M UNet parameters): for GPU timing. */
        public static Preset sd15() {
            return new Preset("sd15", new int[] {320, 640, 1280, 1280}, 2, 8, 768, 12, 12,
                    new int[] {128, 256, 512, 512}, 2, 64);
        }

        /**
         * The shapes world's model (issue 6): 64² images through a three-level VAE (32, 64, 64), so 16² latents
         * with 4 channels (a factor 8 would leave a small shape about one latent pixel); a UNet (32, 64, 64, 64)
         * on them, whose levels run 16², 8², 4², 2²; a 64-wide, 2-layer text encoder for a grammar of about 30 words.
         */
        public static Preset shapes() {
            return new Preset("shapes", new int[] {32, 64, 64, 64}, 1, 4, 64, 2, 4, new int[] {32, 64, 64}, 1, 16);
        }

        public static Preset named(String name) {
            return switch (name) {
                case "mid" -> mid();
                case "tiny" -> tiny();
                case "sd15" -> sd15();
                case "shapes" -> shapes();
                default -> throw new IllegalArgumentException("unknown preset '" + name + "' (mid, tiny, sd15, shapes)");
            };
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKENIZER_RESOURCE = "/recaption/tokenizer/";

    private RandomSnapshot() {}

    public static void write(Path dir, Preset preset, long seed) throws IOException {
        Files.createDirectories(dir);
        int vocabulary = copyTokenizer(dir.resolve("tokenizer"));
        writeConfigs(dir, preset, vocabulary);
        RandomWeights generator = new RandomWeights(seed);
        Snapshot generating = Snapshot.generating(dir, generator);
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel.load(generating, manager);
            save(dir.resolve("text_encoder/model.safetensors"), generator);
            UNet2DConditionModel.load(generating, manager);
            save(dir.resolve("unet/diffusion_pytorch_model.safetensors"), generator);
            AutoencoderKL.load(generating, manager);
            save(dir.resolve("vae/diffusion_pytorch_model.safetensors"), generator);
        }
    }

    /**
     * Writes model_index.json and every component's config (the tokenizer's files are the caller's): the
     * folder {@link Snapshot#generating} reads. {@code vocabulary} is the tokenizer's size; its last two
     * ids are BOS and EOS, as in CLIP's vocabulary.
     */
    public static void writeConfigs(Path dir, Preset preset, int vocabulary) throws IOException {
        Files.createDirectories(dir);
        writeJson(dir.resolve("model_index.json"), modelIndex());
        writeJson(dir.resolve("scheduler/scheduler_config.json"), scheduler());
        writeJson(dir.resolve("text_encoder/config.json"), textEncoder(preset, vocabulary));
        writeJson(dir.resolve("unet/config.json"), unet(preset));
        writeJson(dir.resolve("vae/config.json"), vae(preset));
    }

    static void save(Path file, RandomWeights generator) throws IOException {
        SafetensorsWriter.write(file, generator.generated(), Map.of("format", "pt"));
        generator.clear();
    }

    static int copyTokenizer(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : new String[] {"vocab.json", "merges.txt"}) {
            try (InputStream in = RandomSnapshot.class.getResourceAsStream(TOKENIZER_RESOURCE + name)) {
                if (in == null) {
                    throw new IllegalStateException("bundled tokenizer file missing: " + name);
                }
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        writeTokenizerConfig(dir);
        return JSON.readTree(dir.resolve("vocab.json").toFile()).size();
    }

    /** The tokenizer folder's tokenizer_config.json (CLIP's special tokens, 77 ids per caption). */
    public static void writeTokenizerConfig(Path dir) {
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "CLIPTokenizer");
        config.put("model_max_length", 77);
        config.put("bos_token", "<|startoftext|>");
        config.put("eos_token", "<|endoftext|>");
        config.put("pad_token", "<|endoftext|>");
        config.put("unk_token", "<|endoftext|>");
        writeJson(dir.resolve("tokenizer_config.json"), config);
    }

    private static ObjectNode modelIndex() {
        ObjectNode index = JSON.createObjectNode();
        index.put("_class_name", "StableDiffusionPipeline");
        index.put("_diffusers_version", "0.30.0");
        pair(index, "scheduler", "diffusers", "DDIMScheduler");
        pair(index, "text_encoder", "transformers", "CLIPTextModel");
        pair(index, "tokenizer", "transformers", "CLIPTokenizer");
        pair(index, "unet", "diffusers", "UNet2DConditionModel");
        pair(index, "vae", "diffusers", "AutoencoderKL");
        return index;
    }

    static void pair(ObjectNode node, String key, String library, String className) {
        node.putArray(key).add(library).add(className);
    }

    private static ObjectNode scheduler() {
        ObjectNode s = JSON.createObjectNode();
        s.put("_class_name", "DDIMScheduler");
        s.put("num_train_timesteps", 1000);
        s.put("beta_start", 0.00085);
        s.put("beta_end", 0.012);
        s.put("beta_schedule", "scaled_linear");
        s.put("clip_sample", false);
        s.put("set_alpha_to_one", false);
        s.put("steps_offset", 1);
        s.put("prediction_type", "epsilon");
        s.put("timestep_spacing", "leading");
        return s;
    }

    private static ObjectNode textEncoder(Preset p, int vocabulary) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("CLIPTextModel");
        c.put("model_type", "clip_text_model");
        c.put("vocab_size", vocabulary);
        c.put("hidden_size", p.contextWidth());
        c.put("intermediate_size", p.contextWidth() * 4);
        c.put("num_hidden_layers", p.textLayers());
        c.put("num_attention_heads", p.textHeads());
        c.put("max_position_embeddings", 77);
        c.put("hidden_act", "quick_gelu");
        c.put("layer_norm_eps", 1e-5);
        c.put("bos_token_id", vocabulary - 2);
        c.put("eos_token_id", vocabulary - 1);
        c.put("pad_token_id", vocabulary - 1);
        return c;
    }

    private static ObjectNode unet(Preset p) {
        ObjectNode c = JSON.createObjectNode();
        c.put("_class_name", "UNet2DConditionModel");
        c.put("sample_size", p.sampleSize());
        c.put("in_channels", 4);
        c.put("out_channels", 4);
        c.put("layers_per_block", p.layersPerBlock());
        ints(c, "block_out_channels", p.unetChannels());
        c.putArray("down_block_types").add("CrossAttnDownBlock2D").add("CrossAttnDownBlock2D")
                .add("CrossAttnDownBlock2D").add("DownBlock2D");
        c.putArray("up_block_types").add("UpBlock2D").add("CrossAttnUpBlock2D").add("CrossAttnUpBlock2D")
                .add("CrossAttnUpBlock2D");
        c.put("mid_block_type", "UNetMidBlock2DCrossAttn");
        c.put("cross_attention_dim", p.contextWidth());
        c.put("attention_head_dim", p.heads());
        c.put("norm_num_groups", 32);
        c.put("norm_eps", 1e-5);
        c.put("flip_sin_to_cos", true);
        c.put("freq_shift", 0);
        c.put("act_fn", "silu");
        c.put("downsample_padding", 1);
        c.put("mid_block_scale_factor", 1);
        c.put("use_linear_projection", false);
        c.put("upcast_attention", false);
        return c;
    }

    private static ObjectNode vae(Preset p) {
        return vae(p.vaeChannels(), p.vaeLayersPerBlock(), p.sampleSize(), 0.18215);
    }

    /** An AutoencoderKL config: SD's with scaling factor 0.18215, SDXL's with 0.13025 (and force_upcast). */
    static ObjectNode vae(int[] channels, int layersPerBlock, int latentSize, double scalingFactor) {
        ObjectNode c = JSON.createObjectNode();
        c.put("_class_name", "AutoencoderKL");
        c.put("in_channels", 3);
        c.put("out_channels", 3);
        c.put("latent_channels", 4);
        c.put("layers_per_block", layersPerBlock);
        ints(c, "block_out_channels", channels);
        ArrayNode down = c.putArray("down_block_types");
        ArrayNode up = c.putArray("up_block_types");
        for (int i = 0; i < channels.length; i++) {
            down.add("DownEncoderBlock2D");
            up.add("UpDecoderBlock2D");
        }
        c.put("norm_num_groups", 32);
        c.put("act_fn", "silu");
        c.put("sample_size", latentSize * (1 << (channels.length - 1)));
        c.put("scaling_factor", scalingFactor);
        return c;
    }

    static void ints(ObjectNode node, String key, int[] values) {
        ArrayNode array = node.putArray(key);
        for (int v : values) {
            array.add(v);
        }
    }

    static void writeJson(Path file, ObjectNode node) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
