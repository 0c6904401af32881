package io.recaption.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tables of a byte-level BPE: symbol → id and merge pair → rank (its line in the merge list).
 * Read from the two layouts a diffusers {@code tokenizer/} folder comes in: the slow tokenizer's
 * {@code vocab.json} + {@code merges.txt} (every SD 1.x/2.x snapshot), or the HF tokenizers file
 * {@code tokenizer.json} alone (newer exports), whose {@code model.merges} are {@code "a b"}
 * strings or {@code ["a", "b"]} pairs. When a folder has both, the slow files are read, since
 * they are what transformers' CLIPTokenizer reads.
 */
public final class BpeVocabulary {

    public static final String VOCAB_FILE = "vocab.json";
    public static final String MERGES_FILE = "merges.txt";
    static final String TOKENIZER_FILE = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two adjacent symbols that a merge joins. */
    record Pair(String first, String second) {}

    private final String source;
    private final Map<String, Integer> ids;
    private final Map<Pair, Integer> ranks;

    private BpeVocabulary(String source, Map<String, Integer> ids, Map<Pair, Integer> ranks) {
        this.source = source;
        this.ids = Map.copyOf(ids);
        this.ranks = Map.copyOf(ranks);
    }

    static BpeVocabulary load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WeightLoadException("tokenizer folder not found: " + dir);
        }
        Path vocab = dir.resolve(VOCAB_FILE);
        Path merges = dir.resolve(MERGES_FILE);
        Path tokenizerJson = dir.resolve(TOKENIZER_FILE);
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            return fromVocabAndMerges(vocab, merges);
        }
        if (Files.isRegularFile(tokenizerJson)) {
            return fromTokenizerJson(tokenizerJson);
        }
        throw new WeightLoadException(dir + " is not a CLIP tokenizer folder: it needs " + VOCAB_FILE + " + "
                + MERGES_FILE + " or " + TOKENIZER_FILE + "; found " + listing(dir));
    }

    static BpeVocabulary fromVocabAndMerges(Path vocabFile, Path mergesFile) {
        Map<String, Integer> ids = readIds(vocabFile, readJson(vocabFile), "the top-level object");
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WeightLoadException("cannot read " + mergesFile + ": " + e.getMessage(), e);
        }
        Map<Pair, Integer> ranks = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            // the first line is a "#version: 0.2" header; the file ends with a newline
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new WeightLoadException(mergesFile + " line " + (i + 1) + " is not a merge of two symbols: '"
                        + line + "'");
            }
            ranks.put(new Pair(parts[0], parts[1]), ranks.size());
        }
        return new BpeVocabulary(vocabFile + " + " + mergesFile.getFileName(), ids, ranks);
    }

    static BpeVocabulary fromTokenizerJson(Path file) {
        JsonNode root = readJson(file);
        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw new WeightLoadException(file + " has no 'model' object");
        }
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw new WeightLoadException(file + ": model type '" + type + "' is not a BPE model");
        }
        String suffix = model.path("end_of_word_suffix").asText(ClipTokenizer.END_OF_WORD);
        if (!suffix.equals(ClipTokenizer.END_OF_WORD)) {
            throw new WeightLoadException(file + ": end_of_word_suffix '" + suffix + "' is not CLIP's '"
                    + ClipTokenizer.END_OF_WORD + "'");
        }
        Map<String, Integer> ids = readIds(file, model.get("vocab"), "model.vocab");
        JsonNode added = root.path("added_tokens");
        for (JsonNode token : added) {
            if (token.path("content").isTextual() && token.path("id").isIntegralNumber()) {
                ids.putIfAbsent(token.get("content").textValue(), token.get("id").intValue());
            }
        }
        JsonNode merges = model.get("merges");
        if (merges == null || !merges.isArray()) {
            throw new WeightLoadException(file + " has no model.merges list");
        }
        Map<Pair, Integer> ranks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            Pair pair = mergeOf(merges.get(i));
            if (pair == null) {
                throw new WeightLoadException(file + ": model.merges[" + i + "] is not a merge of two symbols: "
                        + merges.get(i));
            }
            ranks.put(pair, i);
        }
        return new BpeVocabulary(file.toString(), ids, ranks);
    }

    /** {@code "a b"} or {@code ["a", "b"]}; null when it is neither. */
    private static Pair mergeOf(JsonNode merge) {
        if (merge.isTextual()) {
            String[] parts = merge.textValue().split(" ");
            return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? new Pair(parts[0], parts[1]) : null;
        }
        if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
            return new Pair(merge.get(0).textValue(), merge.get(1).textValue());
        }
        return null;
    }

    private static Map<String, Integer> readIds(Path file, JsonNode vocab, String what) {
        if (vocab == null || !vocab.isObject() || vocab.isEmpty()) {
            throw new WeightLoadException(file + ": " + what + " must be a non-empty object of token → id");
        }
        Map<String, Integer> ids = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isIntegralNumber() || !entry.getValue().canConvertToInt()
                    || entry.getValue().intValue() < 0) {
                throw new WeightLoadException(file + ": id of token '" + entry.getKey() + "' in " + what
                        + " is not a non-negative integer: " + entry.getValue());
            }
            ids.put(entry.getKey(), entry.getValue().intValue());
        }
        return ids;
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new WeightLoadException(file + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new WeightLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static List<String> listing(Path dir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
        } catch (IOException e) {
            names.add("(unreadable: " + e.getMessage() + ")");
        }
        return names;
    }

    /** Where the tables came from, for messages. */
    String source() {
        return source;
    }

    /** The id of a symbol, or null when the vocabulary lacks it. */
    Integer id(String symbol) {
        return ids.get(symbol);
    }

    /** The rank of merging {@code first} and {@code second} (lower merges first), or null when no merge joins them. */
    Integer rank(String first, String second) {
        return ranks.get(new Pair(first, second));
    }

    int size() {
        return ids.size();
    }
}
