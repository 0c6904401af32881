package io.recaption.model.blip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A BERT tokenizer's settings as transformers reads them from a snapshot: {@code tokenizer_config.json},
 * then {@code special_tokens_map.json} (which wins for the special tokens, as in
 * {@code from_pretrained}), and the added tokens of {@code added_tokens.json} (transformers 4) or
 * the config's {@code added_tokens_decoder} (BLIP's {@code [DEC]} is one: it is not in
 * {@code vocab.txt}). Every file is optional; the defaults are transformers 5's {@code BertTokenizer}'s.
 *
 * @param stripAccents null: strip accents exactly when lower-casing (BERT's rule)
 * @param cleanUpTokenizationSpaces transformers' own clean-up after decoding (" ." → "." …);
 *     transformers 5 defaults it to false, transformers 4 wrote true into the file
 * @param addedTokens added tokens by text, with their ids; matched whole in the raw text before normalisation
 * @param specialTokens the texts of the special tokens, which decoding skips
 */
public record BertTokenizerConfig(
        boolean doLowerCase,
        Boolean stripAccents,
        boolean tokenizeChineseChars,
        String unkToken,
        String clsToken,
        String sepToken,
        boolean cleanUpTokenizationSpaces,
        Map<String, Integer> addedTokens,
        Set<String> specialTokens) {

    public static final String CONFIG_FILE = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";
    public static final String ADDED_TOKENS_FILE = "added_tokens.json";
    private static final String[] SPECIAL_ROLES = {"unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
        "bos_token", "eos_token"};
    private static final ObjectMapper JSON = new ObjectMapper();

    public BertTokenizerConfig {
        addedTokens = Map.copyOf(addedTokens);
        specialTokens = Set.copyOf(specialTokens);
    }

    /** Whether accents are stripped: the explicit setting, else whenever text is lower-cased. */
    public boolean stripsAccents() {
        return stripAccents != null ? stripAccents : doLowerCase;
    }

    public static BertTokenizerConfig read(Path dir) {
        JsonNode config = optional(dir.resolve(CONFIG_FILE));
        JsonNode specialMap = optional(dir.resolve(SPECIAL_TOKENS_FILE));
        Map<String, String> roles = new LinkedHashMap<>(Map.of("unk_token", "[UNK]", "sep_token", "[SEP]",
                "pad_token", "[PAD]", "cls_token", "[CLS]", "mask_token", "[MASK]"));
        Set<String> special = new LinkedHashSet<>();
        for (JsonNode source : new JsonNode[] {config, specialMap}) {
            for (String role : SPECIAL_ROLES) {
                String token = tokenText(source.get(role));
                if (token != null) {
                    roles.put(role, token);
                }
            }
            JsonNode extra = source.get("additional_special_tokens");
            if (extra != null && extra.isArray()) {
                extra.forEach(token -> special.add(tokenText(token)));
            }
        }
        special.addAll(roles.values());
        Map<String, Integer> added = new LinkedHashMap<>();
        JsonNode decoder = config.get("added_tokens_decoder");
        if (decoder != null && decoder.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String text = tokenText(entry.getValue());
                added.put(text, Integer.parseInt(entry.getKey()));
                if (entry.getValue().path("special").asBoolean(false)) {
                    special.add(text);
                }
            }
        }
        JsonNode addedFile = optional(dir.resolve(ADDED_TOKENS_FILE));
        addedFile.fields().forEachRemaining(e -> added.putIfAbsent(e.getKey(), e.getValue().asInt()));
        JsonNode strip = config.get("strip_accents");
        return new BertTokenizerConfig(
                config.path("do_lower_case").asBoolean(true),
                strip == null || strip.isNull() ? null : strip.asBoolean(),
                config.path("tokenize_chinese_chars").asBoolean(true),
                roles.get("unk_token"),
                roles.get("cls_token"),
                roles.get("sep_token"),
                config.path("clean_up_tokenization_spaces").asBoolean(false),
                added,
                special);
    }

    /** A token written as a string or as {@code {"content": …}}. */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText();
    }

    private static JsonNode optional(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new WeightLoadException(file + " is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new WeightLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
