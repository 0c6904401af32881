package io.recaption.lab.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.clip.BpeVocabulary;
import io.recaption.model.clip.ClipTokenizer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns a byte-level BPE vocabulary in CLIP's layout from a word list (Sennrich et al. 2016, "Neural
 * Machine Translation of Rare Words with Subword Units", §3.1): every word starts as its UTF-8 byte
 * symbols with {@code </w>} on the last; the most frequent adjacent pair over all words is merged
 * everywhere and recorded, until every word is one symbol. Applying the merges by rank, as
 * {@link ClipTokenizer} does, then turns each training word into exactly one token, while any other
 * word still falls back to byte symbols.
 *
 * <p>The vocabulary is CLIP's: the 256 byte symbols, the same with {@code </w>}, one symbol per merge
 * in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>} as the last two ids.
 */
public final class BpeTrainer {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";

    /** The merge list (in rank order) and the id of every symbol. */
    public record Vocabulary(List<String[]> merges, Map<String, Integer> ids) {}

    private BpeTrainer() {}

    /** Learns merges until every word (each counted once) is a single symbol. */
    public static Vocabulary learn(List<String> words) {
        String[] bytes = ClipTokenizer.byteSymbols();
        List<List<String>> segmented = new ArrayList<>();
        for (String word : words) {
            String normalized = ClipTokenizer.normalize(word);
            byte[] utf8 = normalized.getBytes(StandardCharsets.UTF_8);
            List<String> symbols = new ArrayList<>();
            for (byte b : utf8) {
                symbols.add(bytes[b & 0xff]);
            }
            symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + ClipTokenizer.END_OF_WORD);
            segmented.add(symbols);
        }
        List<String[]> merges = new ArrayList<>();
        while (true) {
            // pair counts in first-seen order, so that ties go to the earliest pair: the result is deterministic
            Map<String, Integer> counts = new LinkedHashMap<>();
            Map<String, String[]> pairs = new LinkedHashMap<>();
            for (List<String> symbols : segmented) {
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    String key = symbols.get(i) + " " + symbols.get(i + 1);
                    counts.merge(key, 1, Integer::sum);
                    pairs.putIfAbsent(key, new String[] {symbols.get(i), symbols.get(i + 1)});
                }
            }
            if (counts.isEmpty()) {
                break;
            }
            String best = null;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (best == null || e.getValue() > counts.get(best)) {
                    best = e.getKey();
                }
            }
            String[] pair = pairs.get(best);
            merges.add(pair);
            for (int w = 0; w < segmented.size(); w++) {
                segmented.set(w, apply(segmented.get(w), pair));
            }
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String symbol : bytes) {
            ids.put(symbol, ids.size());
        }
        for (String symbol : bytes) {
            ids.put(symbol + ClipTokenizer.END_OF_WORD, ids.size());
        }
        for (String[] merge : merges) {
            ids.putIfAbsent(merge[0] + merge[1], ids.size());
        }
        ids.put(BOS, ids.size());
        ids.put(EOS, ids.size());
        return new Vocabulary(List.copyOf(merges), ids);
    }

    /** Joins every non-overlapping occurrence of the pair, left to right (the tokenizer's own rule). */
    private static List<String> apply(List<String> symbols, String[] pair) {
        List<String> out = new ArrayList<>(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            if (i + 1 < symbols.size() && symbols.get(i).equals(pair[0]) && symbols.get(i + 1).equals(pair[1])) {
                out.add(pair[0] + pair[1]);
                i++;
            } else {
                out.add(symbols.get(i));
            }
        }
        return out;
    }

    /** Writes {@code vocab.json} and {@code merges.txt} (with the {@code #version: 0.2} header) into {@code dir}. */
    public static void write(Vocabulary vocabulary, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode vocab = JSON.createObjectNode();
        vocabulary.ids().forEach(vocab::put);
        Files.writeString(dir.resolve(BpeVocabulary.VOCAB_FILE), JSON.writeValueAsString(vocab), StandardCharsets.UTF_8);
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (String[] merge : vocabulary.merges()) {
            merges.append(merge[0]).append(' ').append(merge[1]).append('\n');
        }
        Files.writeString(dir.resolve(BpeVocabulary.MERGES_FILE), merges.toString(), StandardCharsets.UTF_8);
    }
}
