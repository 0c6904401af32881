package io.recaption.model.blip;

import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * transformers 5's {@code BertTokenizer} built from {@code vocab.txt} alone, in Java: the same
 * pipeline the tokenizers library would run for it.
 * <ol>
 *   <li>added tokens (the special tokens and those of the tokenizer config, e.g. {@code [DEC]})
 *       are matched whole in the raw text, leftmost and longest first;</li>
 *   <li>the rest is cleaned and split into words ({@link BertBasicTokenizer});</li>
 *   <li>each word becomes word pieces, greedily longest-first from its start, later pieces with
 *       the {@code ##} prefix; a word with a piece missing from the vocabulary, or longer than 100
 *       characters, becomes {@code [UNK]} as a whole;</li>
 *   <li>{@code [CLS]} … {@code [SEP]} around it.</li>
 * </ol>
 * Decoding drops special tokens and ids outside the vocabulary, then joins as the library's
 * WordPiece decoder does (see {@link #decode}).
 */
final class WordPieceBertTokenizer implements BlipTokenizer {

    static final String PREFIX = "##";
    static final int MAX_WORD_CHARS = 100;

    private final Map<String, Integer> vocabulary;
    private final Map<Long, String> tokens;
    private final List<String> addedTokens; // longest first
    private final Map<String, Integer> addedIds;
    private final Set<Long> specialIds;
    private final BertBasicTokenizer basic;
    private final BertTokenizerConfig config;
    private final int unkId;
    private final int clsId;
    private final int sepId;

    private WordPieceBertTokenizer(Map<String, Integer> vocabulary, BertTokenizerConfig config, String source) {
        this.vocabulary = vocabulary;
        this.config = config;
        this.basic = new BertBasicTokenizer(config);
        this.addedIds = new HashMap<>();
        Set<String> added = new HashSet<>(config.addedTokens().keySet());
        added.addAll(config.specialTokens());
        for (String token : added) {
            Integer id = vocabulary.containsKey(token) ? vocabulary.get(token) : config.addedTokens().get(token);
            if (id != null) {
                addedIds.put(token, id);
            }
        }
        this.addedTokens = addedIds.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(t -> t)).toList();
        this.tokens = new HashMap<>();
        vocabulary.forEach((token, id) -> tokens.put((long) id, token));
        addedIds.forEach((token, id) -> tokens.put((long) id, token));
        this.specialIds = new HashSet<>();
        config.specialTokens().stream().filter(addedIds::containsKey).forEach(t -> specialIds.add((long) addedIds.get(t)));
        this.unkId = required(config.unkToken(), "unk_token", source);
        this.clsId = required(config.clsToken(), "cls_token", source);
        this.sepId = required(config.sepToken(), "sep_token", source);
    }

    static WordPieceBertTokenizer load(Path vocabTxt, BertTokenizerConfig config) {
        Map<String, Integer> vocabulary = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                vocabulary.put(lines.get(i), i); // one token per line, its line number its id; a repeat keeps the last
            }
        } catch (IOException e) {
            throw new WeightLoadException("cannot read " + vocabTxt + ": " + e.getMessage(), e);
        }
        return new WordPieceBertTokenizer(vocabulary, config, vocabTxt.toString());
    }

    private int required(String token, String role, String source) {
        Integer id = addedIds.get(token);
        if (id == null) {
            throw new WeightLoadException(source + ": the " + role + " '" + token + "' is not in the vocabulary");
        }
        return id;
    }

    @Override
    public long[] encode(String text) {
        List<Long> ids = new ArrayList<>();
        ids.add((long) clsId);
        int from = 0;
        while (from <= text.length()) {
            int[] match = nextAddedToken(text, from); // {start, index in addedTokens} or null
            int end = match == null ? text.length() : match[0];
            for (String word : basic.words(text.substring(from, end))) {
                wordPieces(word, ids);
            }
            if (match == null) {
                break;
            }
            String token = addedTokens.get(match[1]);
            ids.add((long) addedIds.get(token));
            from = end + token.length();
        }
        ids.add((long) sepId);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The leftmost added token at or after {@code from}, the longest where several start there. */
    private int[] nextAddedToken(String text, int from) {
        int[] best = null;
        for (int i = 0; i < addedTokens.size(); i++) {
            int at = text.indexOf(addedTokens.get(i), from);
            if (at >= 0 && (best == null || at < best[0])) {
                best = new int[] {at, i}; // addedTokens is longest first, so a tie on position keeps the longest
            }
        }
        return best;
    }

    /** Greedy longest-match-first WordPiece of one word (the tokenizers library's {@code WordPiece::tokenize}). */
    private void wordPieces(String word, List<Long> out) {
        if (word.codePointCount(0, word.length()) > MAX_WORD_CHARS) {
            out.add((long) unkId);
            return;
        }
        List<Long> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String piece = (start > 0 ? PREFIX : "") + word.substring(start, end);
                found = vocabulary.get(piece);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                out.add((long) unkId);
                return;
            }
            pieces.add((long) found);
            start = end;
        }
        out.addAll(pieces);
    }

    /**
     * Special tokens and unknown ids dropped; then the library's WordPiece decoder (prefix
     * {@code ##}, cleanup on, its default): every token but the first loses a leading {@code ##}
     * or gains a leading space, and each token on its own has " ." → "." etc. replaced; then
     * transformers' clean-up when the config asks for it.
     */
    @Override
    public String decode(long[] ids) {
        StringBuilder text = new StringBuilder();
        int index = 0;
        for (long id : ids) {
            String token = tokens.get(id);
            if (token == null || specialIds.contains(id)) {
                continue;
            }
            if (index > 0) {
                token = token.startsWith(PREFIX) ? token.substring(PREFIX.length()) : " " + token;
            }
            text.append(cleanup(token));
            index++;
        }
        String out = text.toString();
        return config.cleanUpTokenizationSpaces() ? BlipTokenizer.cleanUpTokenization(out) : out;
    }

    /** The tokenizers library's WordPiece-decoder cleanup, applied to one token at a time. */
    private static String cleanup(String token) {
        return token.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override
    public String kind() {
        return "vocab.txt (WordPiece in Java)";
    }

    @Override
    public void close() {
        // nothing native
    }
}
