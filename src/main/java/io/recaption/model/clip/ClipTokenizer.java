package io.recaption.model.clip;

import io.recaption.model.weights.WeightLoadException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer, as transformers' {@code CLIPTokenizer} loads it from a
 * snapshot's {@code tokenizer/} folder: a caption becomes {@code [BOS, bpe…, EOS, pad…]} of
 * exactly {@code model_max_length} ids.
 *
 * <p>The steps are those of the reference: Unicode NFC, every whitespace run collapsed to one
 * space, lower case (ftfy is not used); CLIP's word pattern splits the text into words (letter
 * runs, single digits, runs of other symbols, English contractions, the special tokens); each
 * word's UTF-8 bytes become printable symbols through GPT-2's {@code bytes_to_unicode} table and
 * {@code </w>} marks its last symbol; adjacent symbols are merged, lowest merge rank first, until
 * no ranked pair is left. Control characters are kept (as the tokenizers-backed CLIPTokenizer of
 * transformers 5 does; the older slow one dropped them).
 *
 * <p>Words are cached: captions repeat a small vocabulary, and the BPE loop is quadratic in the
 * word's length. A tokenizer is immutable apart from that cache and safe to share between threads.
 */
public final class ClipTokenizer {

    /** The suffix that marks a word's last symbol in CLIP's vocabulary. */
    public static final String END_OF_WORD = "</w>";

    /** Whitespace as the reference normalizer sees it ({@code \s} over all of Unicode). */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /** CLIP's pre-tokenizer pattern (compiled case-insensitively, as in the reference). */
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    /** Enough for every distinct word of a long-running worker's captions; beyond it words are not cached. */
    private static final int CACHE_LIMIT = 50_000;

    /**
     * A caption's ids and whether they had to be cut.
     *
     * @param ids exactly {@code maxLength()} ids: BOS, the caption's tokens, EOS, padding
     * @param length the caption's token count with BOS and EOS, before truncation
     * @param truncated whether tokens were dropped to fit (EOS is kept last)
     */
    public record Tokenized(int[] ids, int length, boolean truncated) {
        public Tokenized {
            Objects.requireNonNull(ids, "ids");
        }
    }

    private final BpeVocabulary vocabulary;
    private final ClipTokenizerConfig config;
    private final String[] byteSymbols = byteSymbols();
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int unkId;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(BpeVocabulary vocabulary, ClipTokenizerConfig config) {
        this.vocabulary = vocabulary;
        this.config = config;
        this.bosId = specialId("bos_token", config.bosToken());
        this.eosId = specialId("eos_token", config.eosToken());
        this.padId = specialId("pad_token", config.padToken());
        this.unkId = specialId("unk_token", config.unkToken());
        // the special tokens are words of their own (the pattern matches them whole) with a fixed id
        cache.put(config.bosToken(), new int[] {bosId});
        cache.put(config.eosToken(), new int[] {eosId});
    }

    /**
     * Loads {@code vocab.json} + {@code merges.txt} (or {@code tokenizer.json}) and the optional
     * {@code tokenizer_config.json} / {@code special_tokens_map.json} of a tokenizer folder.
     */
    public static ClipTokenizer load(Path tokenizerDir) {
        BpeVocabulary vocabulary = BpeVocabulary.load(tokenizerDir);
        return new ClipTokenizer(vocabulary, ClipTokenizerConfig.read(tokenizerDir));
    }

    private int specialId(String role, String token) {
        Integer id = vocabulary.id(token);
        if (id == null) {
            throw new WeightLoadException(vocabulary.source() + ": the " + role + " '" + token
                    + "' (from " + ClipTokenizerConfig.CONFIG_FILE + " / " + ClipTokenizerConfig.SPECIAL_TOKENS_FILE
                    + " or CLIP's default) is not in the vocabulary");
        }
        return id;
    }

    /** The caption as {@code maxLength()} ids: BOS, tokens (truncated to fit), EOS, then padding. */
    public Tokenized tokenize(String text) {
        List<Integer> tokens = bpe(text);
        int maxLength = maxLength();
        int kept = Math.min(tokens.size(), maxLength - 2);
        int[] ids = new int[maxLength];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        for (int i = 0; i < kept; i++) {
            ids[1 + i] = tokens.get(i);
        }
        ids[1 + kept] = eosId;
        return new Tokenized(ids, tokens.size() + 2, kept < tokens.size());
    }

    /** {@code tokenize(text).ids()}. */
    public int[] encode(String text) {
        return tokenize(text).ids();
    }

    /** The caption's token ids without BOS, EOS, padding or truncation (to find a word's tokens). */
    public List<Integer> bpe(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher words = WORDS.matcher(normalize(text));
        while (words.find()) {
            for (int id : word(words.group())) {
                out.add(id);
            }
        }
        return out;
    }

    /** The reference's normalizer: NFC, whitespace runs → one space, trimmed, lower case. */
    public static String normalize(String text) {
        Objects.requireNonNull(text, "text");
        String composed = Normalizer.normalize(text, Normalizer.Form.NFC);
        return WHITESPACE.matcher(composed).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    private int[] word(String word) {
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> symbols = merge(symbolsOf(word));
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocabulary.id(symbols.get(i));
            ids[i] = id == null ? unkId : id;
        }
        if (cache.size() < CACHE_LIMIT) {
            cache.put(word, ids);
        }
        return ids;
    }

    /** The word's UTF-8 bytes as byte-level symbols, {@code </w>} appended to the last. */
    private List<String> symbolsOf(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            symbols.add(byteSymbols[b & 0xff]);
        }
        int last = symbols.size() - 1;
        symbols.set(last, symbols.get(last) + END_OF_WORD);
        return symbols;
    }

    /** Applies the lowest-ranked merge present, to every non-overlapping occurrence left to right, until none applies. */
    private List<String> merge(List<String> symbols) {
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int best = -1;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = vocabulary.rank(symbols.get(i), symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String first = symbols.get(best);
            String second = symbols.get(best + 1);
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        return symbols;
    }

    /**
     * GPT-2's {@code bytes_to_unicode}: the printable Latin-1 bytes stand for themselves; every
     * other byte, in increasing order, takes the next code point from U+0100 on, so that no symbol
     * is whitespace or a control character.
     */
    public static String[] byteSymbols() {
        String[] symbols = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = String.valueOf((char) (printable ? b : next++));
        }
        return symbols;
    }

    /** Ids per caption, BOS and EOS included ({@code model_max_length}). */
    public int maxLength() {
        return config.modelMaxLength();
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    public ClipTokenizerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "ClipTokenizer[" + vocabulary.source() + ", " + vocabulary.size() + " tokens, max length "
                + maxLength() + "]";
    }
}
