package io.recaption.model.clip;

import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The length and special tokens of a CLIP tokenizer, from the {@code tokenizer/} folder's
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}. Either file may be absent;
 * the defaults are those of transformers' {@code CLIPTokenizer} (OpenAI CLIP's context length of
 * 77 and {@code <|startoftext|>} / {@code <|endoftext|>}). When both files name a token,
 * {@code special_tokens_map.json} wins, as in transformers' {@code from_pretrained}.
 *
 * @param modelMaxLength ids per prompt, BOS and EOS included ({@code model_max_length})
 * @param padToken {@code <|endoftext|>} in SD 1.x, {@code !} in SD 2.x; the EOS token when unset
 */
public record ClipTokenizerConfig(int modelMaxLength, String bosToken, String eosToken, String padToken,
        String unkToken) {

    public static final String CONFIG_FILE = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";

    public ClipTokenizerConfig {
        if (modelMaxLength < 2) {
            throw new WeightLoadException("model_max_length " + modelMaxLength
                    + " leaves no room for the BOS and EOS tokens");
        }
    }

    public static ClipTokenizerConfig read(Path tokenizerDir) {
        int maxLength = 77;
        String bos = "<|startoftext|>";
        String eos = "<|endoftext|>";
        String pad = null;
        String unk = "<|endoftext|>";
        for (String fileName : new String[] {CONFIG_FILE, SPECIAL_TOKENS_FILE}) {
            Path file = tokenizerDir.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonConfig json = JsonConfig.read(file);
            maxLength = json.intValue("model_max_length", maxLength);
            bos = json.stringOrField("bos_token", "content", bos);
            eos = json.stringOrField("eos_token", "content", eos);
            pad = json.stringOrField("pad_token", "content", pad);
            unk = json.stringOrField("unk_token", "content", unk);
        }
        return new ClipTokenizerConfig(maxLength, bos, eos, pad == null ? eos : pad, unk);
    }
}
