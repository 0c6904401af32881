package io.recaption.model.blip;

import io.recaption.model.weights.WeightLoadException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * BLIP's text side: transformers' {@code BertTokenizer} (WordPiece, lower-cased) as the captioner
 * uses it — encoding a prompt with its special tokens, decoding a caption without them.
 *
 * <p>{@link #load} prefers the snapshot's {@code tokenizer.json}, run by the Hugging Face
 * tokenizers library itself ({@link HuggingFaceBertTokenizer}); a snapshot with only
 * {@code vocab.txt} gets the pure-Java {@link WordPieceBertTokenizer}, which follows the same rules.
 */
public interface BlipTokenizer extends AutoCloseable {

    String TOKENIZER_JSON = "tokenizer.json";
    String VOCAB_TXT = "vocab.txt";

    /** {@code tokenizer(text).input_ids}: {@code [CLS]}, the text's word pieces, {@code [SEP]}; no truncation. */
    long[] encode(String text);

    /** {@code decode(ids, skip_special_tokens=True)}: word pieces joined, special tokens dropped. */
    String decode(long[] ids);

    /** Which implementation runs, for logs and manifests. */
    String kind();

    @Override
    void close();

    /** The snapshot's tokenizer: {@code tokenizer.json} through the tokenizers library, else {@code vocab.txt}. */
    static BlipTokenizer load(Path snapshotDir) {
        BertTokenizerConfig config = BertTokenizerConfig.read(snapshotDir);
        if (Files.isRegularFile(snapshotDir.resolve(TOKENIZER_JSON))) {
            return HuggingFaceBertTokenizer.load(snapshotDir.resolve(TOKENIZER_JSON), config);
        }
        if (Files.isRegularFile(snapshotDir.resolve(VOCAB_TXT))) {
            return WordPieceBertTokenizer.load(snapshotDir.resolve(VOCAB_TXT), config);
        }
        throw new WeightLoadException(snapshotDir + " has no tokenizer: neither " + TOKENIZER_JSON + " nor " + VOCAB_TXT);
    }

    /**
     * transformers' {@code clean_up_tokenization} (applied after decoding when the tokenizer config's
     * {@code clean_up_tokenization_spaces} is true): spaces before punctuation and English
     * contractions removed.
     */
    static String cleanUpTokenization(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }
}
