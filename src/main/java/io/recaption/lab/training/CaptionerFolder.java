package io.recaption.lab.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.RenderSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot folder of the shapes world's captioner, in the layout transformers' {@code save_pretrained} and
 * the Hub use for {@code BlipForConditionalGeneration} (so the product's loader, and transformers, load it):
 * {@code config.json}, {@code generation_config.json}, {@code preprocessor_config.json}, the BERT tokenizer
 * files ({@code tokenizer.json}, {@code vocab.txt}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}); {@code model.safetensors} is added when training ends.
 *
 * <p>The vocabulary is BERT's special tokens ({@code [PAD]} = 0, {@code [UNK]}, {@code [CLS]}, {@code [SEP]},
 * {@code [MASK]}), every word of the {@link CaptionGrammar} as one whole WordPiece token, and {@code [DEC]}
 * last: BLIP's decoder start token ({@code bos_token_id}), as in Salesforce's snapshots.
 */
public final class CaptionerFolder {

    /** The special tokens, in id order from 0. */
    static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
    static final String DECODER_START = "[DEC]";
    static final int PAD_ID = 0;
    static final int SEP_ID = 3;
    /** OpenAI CLIP's mean and std, which BLIP's processors use. */
    private static final double[] IMAGE_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] IMAGE_STD = {0.26862954, 0.26130258, 0.27577711};
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The sizes of a small BLIP: a ViT over {@code patch}-pixel patches of the world's 64×64 images and a BERT
     * decoder with cross-attention; {@code positions} decoder positions (prompt and caption together).
     */
    public record Config(int visionHidden, int visionLayers, int visionHeads, int visionIntermediate, int patch,
            int textHidden, int textLayers, int textHeads, int textIntermediate, int positions, double labelSmoothing) {

        public Config {
            if (visionHidden % visionHeads != 0 || textHidden % textHeads != 0) {
                throw new IllegalArgumentException("hidden sizes must split into the heads");
            }
        }

        /** The bundled captioner's sizes (README, "The bundled captioner"). */
        public static Config shapes() {
            return new Config(128, 3, 4, 256, 8, 128, 2, 4, 256, 32, 0.1);
        }
    }

    private CaptionerFolder() {}

    /** The vocabulary in id order: specials, the grammar's words, {@code [DEC]}. */
    public static List<String> vocabulary() {
        List<String> tokens = new ArrayList<>(SPECIALS);
        tokens.addAll(CaptionGrammar.words());
        tokens.add(DECODER_START);
        return List.copyOf(tokens);
    }

    /** Writes every file but the weights into {@code dir} (created if missing). */
    public static void prepare(Path dir, Config config) throws IOException {
        Files.createDirectories(dir);
        List<String> vocabulary = vocabulary();
        int bos = vocabulary.indexOf(DECODER_START);
        write(dir.resolve("config.json"), modelConfig(config, vocabulary.size(), bos));
        ObjectNode generation = JSON.createObjectNode();
        generation.put("bos_token_id", bos);
        generation.put("eos_token_id", SEP_ID);
        generation.put("pad_token_id", PAD_ID);
        generation.put("use_cache", true);
        write(dir.resolve("generation_config.json"), generation);
        write(dir.resolve("preprocessor_config.json"), preprocessorConfig());
        Files.writeString(dir.resolve("vocab.txt"), String.join("\n", vocabulary) + "\n", StandardCharsets.UTF_8);
        write(dir.resolve("tokenizer.json"), CaptionerTokenizerJson.of(vocabulary, SPECIALS.size(), bos));
        write(dir.resolve("tokenizer_config.json"), tokenizerConfig());
        ObjectNode specials = JSON.createObjectNode();
        specials.put("bos_token", DECODER_START);
        specials.put("cls_token", "[CLS]");
        specials.put("mask_token", "[MASK]");
        specials.put("pad_token", "[PAD]");
        specials.put("sep_token", "[SEP]");
        specials.put("unk_token", "[UNK]");
        write(dir.resolve("special_tokens_map.json"), specials);
    }

    private static ObjectNode modelConfig(Config c, int vocabSize, int bos) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("BlipForConditionalGeneration");
        root.put("dtype", "float32");
        root.put("image_text_hidden_size", 256);
        root.put("initializer_factor", 1.0);
        root.put("initializer_range", 0.02);
        root.put("label_smoothing", c.labelSmoothing());
        root.put("logit_scale_init_value", 2.6592);
        root.put("model_type", "blip");
        root.put("projection_dim", 512);
        ObjectNode text = root.putObject("text_config");
        text.put("attention_probs_dropout_prob", 0.0);
        text.put("bos_token_id", bos);
        text.put("encoder_hidden_size", c.visionHidden());
        text.put("eos_token_id", SEP_ID);
        text.put("hidden_act", "gelu");
        text.put("hidden_dropout_prob", 0.0);
        text.put("hidden_size", c.textHidden());
        text.put("initializer_range", 0.02);
        text.put("intermediate_size", c.textIntermediate());
        text.put("is_decoder", true);
        text.put("label_smoothing", c.labelSmoothing());
        text.put("layer_norm_eps", 1e-12);
        text.put("max_position_embeddings", c.positions());
        text.put("model_type", "blip_text_model");
        text.put("num_attention_heads", c.textHeads());
        text.put("num_hidden_layers", c.textLayers());
        text.put("pad_token_id", PAD_ID);
        text.put("projection_dim", 768);
        text.put("sep_token_id", SEP_ID);
        text.put("tie_word_embeddings", true);
        text.put("use_cache", true);
        text.put("vocab_size", vocabSize);
        root.put("tie_word_embeddings", true);
        ObjectNode vision = root.putObject("vision_config");
        vision.put("attention_dropout", 0.0);
        vision.put("hidden_act", "gelu");
        vision.put("hidden_size", c.visionHidden());
        vision.put("image_size", RenderSettings.defaults().size());
        vision.put("initializer_range", 1e-10);
        vision.put("intermediate_size", c.visionIntermediate());
        vision.put("layer_norm_eps", 1e-5);
        vision.put("model_type", "blip_vision_model");
        vision.put("num_attention_heads", c.visionHeads());
        vision.put("num_hidden_layers", c.visionLayers());
        vision.put("patch_size", c.patch());
        vision.put("projection_dim", 512);
        return root;
    }

    private static ObjectNode preprocessorConfig() {
        int size = RenderSettings.defaults().size();
        ObjectNode node = JSON.createObjectNode();
        node.put("do_convert_rgb", true);
        node.put("do_normalize", true);
        node.put("do_rescale", true);
        node.put("do_resize", true);
        ArrayNode mean = node.putArray("image_mean");
        for (double m : IMAGE_MEAN) {
            mean.add(m);
        }
        node.put("image_processor_type", "BlipImageProcessor");
        ArrayNode std = node.putArray("image_std");
        for (double s : IMAGE_STD) {
            std.add(s);
        }
        node.put("processor_class", "BlipProcessor");
        node.put("resample", 3);
        node.put("rescale_factor", 1 / 255.0);
        ObjectNode sizeNode = node.putObject("size");
        sizeNode.put("height", size);
        sizeNode.put("width", size);
        return node;
    }

    private static ObjectNode tokenizerConfig() {
        ObjectNode node = JSON.createObjectNode();
        node.put("bos_token", DECODER_START);
        node.put("clean_up_tokenization_spaces", false);
        node.put("cls_token", "[CLS]");
        node.put("do_lower_case", true);
        node.put("mask_token", "[MASK]");
        node.put("model_max_length", 512);
        node.put("pad_token", "[PAD]");
        node.put("processor_class", "BlipProcessor");
        node.put("sep_token", "[SEP]");
        node.putNull("strip_accents");
        node.put("tokenize_chinese_chars", true);
        node.put("tokenizer_class", "BertTokenizer");
        node.put("unk_token", "[UNK]");
        return node;
    }

    private static void write(Path file, ObjectNode node) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
    }
}
