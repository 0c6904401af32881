package io.recaption.model.blip;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A snapshot's {@code tokenizer.json} run by the Hugging Face tokenizers library (Rust, through
 * DJL's binding; the native library comes in DJL's jar): the very code transformers 5's
 * {@code BertTokenizer} calls, so normalisation, word split, WordPiece and the WordPiece decoder
 * are the reference's. DJL's defaults (truncation to 512, padding to the longest) are switched off,
 * as transformers' {@code tokenizer(text)} has neither; transformers' own clean-up after decoding
 * is applied when the tokenizer config asks for it.
 */
final class HuggingFaceBertTokenizer implements BlipTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final BertTokenizerConfig config;

    private HuggingFaceBertTokenizer(HuggingFaceTokenizer tokenizer, BertTokenizerConfig config) {
        this.tokenizer = tokenizer;
        this.config = config;
    }

    static HuggingFaceBertTokenizer load(Path tokenizerJson, BertTokenizerConfig config) {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            return new HuggingFaceBertTokenizer(tokenizer, config);
        } catch (IOException | RuntimeException e) {
            throw new WeightLoadException("cannot load " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    @Override
    public String decode(long[] ids) {
        String text = tokenizer.decode(ids, true);
        return config.cleanUpTokenizationSpaces() ? BlipTokenizer.cleanUpTokenization(text) : text;
    }

    @Override
    public String kind() {
        return "tokenizer.json (Hugging Face tokenizers)";
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
