package io.recaption.lab.snapshots;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTextModelWithProjection;
import io.recaption.model.nn.Precision;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Stable Diffusion XL-shaped snapshot with seeded random weights, in the layout
 * stabilityai/stable-diffusion-xl-base-1.0 publishes (issue 22): model_index.json ({@code StableDiffusionXLPipeline},
 * {@code force_zeros_for_empty_prompt}), {@code tokenizer/} and {@code tokenizer_2/} (the bundled BPE vocabulary, the
 * second padding with {@code !}), {@code text_encoder/} (CLIPTextModel, quick_gelu), {@code text_encoder_2/}
 * (CLIPTextModelWithProjection, gelu), the {@code text_time} UNet, the VAE (scaling factor 0.13025, force_upcast)
 * and the published EulerDiscreteScheduler config. As {@link RandomSnapshot}, every component is built by its own
 * strict loader over generated weights, so the written keys are exactly the ones the loaders (and diffusers) read.
 */
public final class RandomXlSnapshot {

    /** A text tower: width, depth, heads, and (second encoder only, else 0) the projection's width. */
    public record TextTower(int width, int layers, int heads, int projection) {}

    /**
     * The sizes of an SDXL snapshot.
     *
     * @param unetChannels block_out_channels (three levels, the first without attention)
     * @param transformerDepth transformer_layers_per_block per level
     * @param heads attention heads per level (diffusers' attention_head_dim)
     * @param addTimeDim addition_time_embed_dim (each of the six time ids' sinusoid)
     */
    public record Preset(String name, int[] unetChannels, int layersPerBlock, int[] transformerDepth, int[] heads,
            TextTower text, TextTower text2, int addTimeDim, int[] vaeChannels, int vaeLayersPerBlock, int sampleSize) {

        /** SDXL base 1.0's own sizes: 1024² images, a 2.6 B-parameter UNet. */
        public static Preset sdxl() {
            return new Preset("sdxl", new int[] {320, 640, 1280}, 2, new int[] {1, 2, 10}, new int[] {5, 10, 20},
                    new TextTower(768, 12, 12, 0), new TextTower(1280, 32, 20, 1280), 256,
                    new int[] {128, 256, 512, 512}, 2, 128);
        }

        /** The tiny SDXL fixture's shapes (128² images), for tests. */
        public static Preset tinySdxl() {
            return new Preset("tiny-sdxl", new int[] {32, 64, 64}, 2, new int[] {1, 1, 2}, new int[] {2, 4, 8},
                    new TextTower(32, 3, 4, 0), new TextTower(48, 2, 3, 40), 8, new int[] {32, 32, 64, 64}, 1, 16);
        }

        public static boolean has(String name) {
            return name.equals("sdxl") || name.equals("tiny-sdxl");
        }

        public static Preset named(String name) {
            return switch (name) {
                case "sdxl" -> sdxl();
                case "tiny-sdxl" -> tinySdxl();
                default -> throw new IllegalArgumentException("unknown SDXL preset '" + name + "' (sdxl, tiny-sdxl)");
            };
        }

        int contextWidth() {
            return text.width() + text2.width();
        }
    }

    private RandomXlSnapshot() {}

    public static void write(Path dir, Preset preset, long seed) throws IOException {
        Files.createDirectories(dir);
        int vocabulary = RandomSnapshot.copyTokenizer(dir.resolve("tokenizer"));
        RandomSnapshot.copyTokenizer(dir.resolve("tokenizer_2"));
        tokenizerTwoPadsWithBang(dir.resolve("tokenizer_2"));
        writeConfigs(dir, preset, vocabulary);
        RandomWeights generator = new RandomWeights(seed);
        Snapshot generating = Snapshot.generating(dir, generator);
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel.load(generating, ClipTextModel.COMPONENT, manager, Precision.FLOAT32);
            RandomSnapshot.save(dir.resolve("text_encoder/model.safetensors"), generator);
            ClipTextModelWithProjection.load(generating, manager, Precision.FLOAT32);
            RandomSnapshot.save(dir.resolve("text_encoder_2/model.safetensors"), generator);
            UNet2DConditionModel.load(generating, manager);
            RandomSnapshot.save(dir.resolve("unet/diffusion_pytorch_model.safetensors"), generator);
            AutoencoderKL.load(generating, manager);
            RandomSnapshot.save(dir.resolve("vae/diffusion_pytorch_model.safetensors"), generator);
        }
    }

    static void writeConfigs(Path dir, Preset p, int vocabulary) {
        RandomSnapshot.writeJson(dir.resolve("model_index.json"), modelIndex());
        RandomSnapshot.writeJson(dir.resolve("scheduler/scheduler_config.json"), scheduler());
        RandomSnapshot.writeJson(dir.resolve("text_encoder/config.json"),
                text(p.text(), "CLIPTextModel", "quick_gelu", vocabulary, vocabulary - 1));
        // published SDXL configs carry eos_token_id 2, transformers' placeholder: pooling then takes the largest id
        RandomSnapshot.writeJson(dir.resolve("text_encoder_2/config.json"),
                text(p.text2(), "CLIPTextModelWithProjection", "gelu", vocabulary, 2));
        RandomSnapshot.writeJson(dir.resolve("unet/config.json"), unet(p));
        ObjectNode vae = RandomSnapshot.vae(p.vaeChannels(), p.vaeLayersPerBlock(), p.sampleSize(), 0.13025);
        vae.put("force_upcast", true);
        RandomSnapshot.writeJson(dir.resolve("vae/config.json"), vae);
    }

    /** SDXL's second tokenizer pads with "!" (id 0 in CLIP's vocabulary): both of its files say so. */
    private static void tokenizerTwoPadsWithBang(Path dir) throws IOException {
        ObjectNode config = (ObjectNode) RandomSnapshot.JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        config.put("pad_token", "!");
        RandomSnapshot.writeJson(dir.resolve("tokenizer_config.json"), config);
        ObjectNode special = RandomSnapshot.JSON.createObjectNode();
        special.put("bos_token", "<|startoftext|>");
        special.put("eos_token", "<|endoftext|>");
        special.put("pad_token", "!");
        special.put("unk_token", "<|endoftext|>");
        RandomSnapshot.writeJson(dir.resolve("special_tokens_map.json"), special);
    }

    private static ObjectNode modelIndex() {
        ObjectNode index = RandomSnapshot.JSON.createObjectNode();
        index.put("_class_name", "StableDiffusionXLPipeline");
        index.put("_diffusers_version", "0.19.0.dev0");
        index.put("force_zeros_for_empty_prompt", true);
        RandomSnapshot.pair(index, "scheduler", "diffusers", "EulerDiscreteScheduler");
        RandomSnapshot.pair(index, "text_encoder", "transformers", "CLIPTextModel");
        RandomSnapshot.pair(index, "text_encoder_2", "transformers", "CLIPTextModelWithProjection");
        RandomSnapshot.pair(index, "tokenizer", "transformers", "CLIPTokenizer");
        RandomSnapshot.pair(index, "tokenizer_2", "transformers", "CLIPTokenizer");
        RandomSnapshot.pair(index, "unet", "diffusers", "UNet2DConditionModel");
        RandomSnapshot.pair(index, "vae", "diffusers", "AutoencoderKL");
        return index;
    }

    /** The published scheduler config: EulerDiscreteScheduler, SD's betas, leading spacing. */
    private static ObjectNode scheduler() {
        ObjectNode s = RandomSnapshot.JSON.createObjectNode();
        s.put("_class_name", "EulerDiscreteScheduler");
        s.put("num_train_timesteps", 1000);
        s.put("beta_start", 0.00085);
        s.put("beta_end", 0.012);
        s.put("beta_schedule", "scaled_linear");
        s.put("interpolation_type", "linear");
        s.put("prediction_type", "epsilon");
        s.put("sample_max_value", 1.0);
        s.put("set_alpha_to_one", false);
        s.put("skip_prk_steps", true);
        s.put("steps_offset", 1);
        s.put("timestep_spacing", "leading");
        s.put("trained_betas", (String) null);
        s.put("use_karras_sigmas", false);
        return s;
    }

    private static ObjectNode text(TextTower t, String architecture, String act, int vocabulary, int eos) {
        ObjectNode c = RandomSnapshot.JSON.createObjectNode();
        c.putArray("architectures").add(architecture);
        c.put("model_type", "clip_text_model");
        c.put("vocab_size", vocabulary);
        c.put("hidden_size", t.width());
        c.put("intermediate_size", t.width() * 4);
        c.put("num_hidden_layers", t.layers());
        c.put("num_attention_heads", t.heads());
        c.put("max_position_embeddings", 77);
        c.put("hidden_act", act);
        c.put("layer_norm_eps", 1e-5);
        c.put("bos_token_id", vocabulary - 2);
        c.put("eos_token_id", eos);
        c.put("pad_token_id", 1);
        if (t.projection() > 0) {
            c.put("projection_dim", t.projection());
        }
        return c;
    }

    private static ObjectNode unet(Preset p) {
        ObjectNode c = RandomSnapshot.JSON.createObjectNode();
        c.put("_class_name", "UNet2DConditionModel");
        c.put("sample_size", p.sampleSize());
        c.put("in_channels", 4);
        c.put("out_channels", 4);
        c.put("layers_per_block", p.layersPerBlock());
        RandomSnapshot.ints(c, "block_out_channels", p.unetChannels());
        c.putArray("down_block_types").add("DownBlock2D").add("CrossAttnDownBlock2D").add("CrossAttnDownBlock2D");
        c.putArray("up_block_types").add("CrossAttnUpBlock2D").add("CrossAttnUpBlock2D").add("UpBlock2D");
        c.put("mid_block_type", "UNetMidBlock2DCrossAttn");
        c.put("cross_attention_dim", p.contextWidth());
        RandomSnapshot.ints(c, "attention_head_dim", p.heads());
        RandomSnapshot.ints(c, "transformer_layers_per_block", p.transformerDepth());
        c.put("use_linear_projection", true);
        c.put("addition_embed_type", "text_time");
        c.put("addition_embed_type_num_heads", 64);
        c.put("addition_time_embed_dim", p.addTimeDim());
        c.put("projection_class_embeddings_input_dim", p.text2().projection() + 6 * p.addTimeDim());
        c.put("norm_num_groups", 32);
        c.put("norm_eps", 1e-5);
        c.put("flip_sin_to_cos", true);
        c.put("freq_shift", 0);
        c.put("act_fn", "silu");
        c.put("upcast_attention", false);
        return c;
    }
}
