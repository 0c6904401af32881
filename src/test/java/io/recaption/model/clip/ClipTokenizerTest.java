package io.recaption.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("conformance")
class ClipTokenizerTest {

    @TempDir
    Path tmp;

    /** tiny-sd/tokenizer has only tokenizer.json (+ tokenizer_config.json); tokenizer-src has vocab.json + merges.txt. */
    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("tokenizer.json", Fixtures.tinySd().resolve("tokenizer")),
                Arguments.of("vocab.json + merges.txt", Fixtures.reference().resolve("tokenizer-src")));
    }

    private static List<JsonNode> cases() {
        List<JsonNode> cases = new ArrayList<>();
        Fixtures.casesJson().get("tokenizer").forEach(cases::add);
        assertTrue(cases.size() >= 10, "expected the reference tokenizer cases");
        return cases;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void everyReferenceCaptionGivesTheReferenceIds(String layout, Path dir) {
        ClipTokenizer tokenizer = ClipTokenizer.load(dir);
        int mismatches = 0;
        for (JsonNode c : cases()) {
            String caption = c.get("caption").textValue();
            int[] expected = ints(c.get("input_ids"));
            int[] actual = tokenizer.encode(caption);
            if (!Arrays.equals(expected, actual)) {
                mismatches++;
                System.out.println(layout + " mismatch for " + caption + "\n  expected " + Arrays.toString(expected)
                        + "\n  actual   " + Arrays.toString(actual));
            }
        }
        System.out.printf("conformance tokenizer (%s): %d of %d captions differ%n", layout, mismatches, cases().size());
        assertEquals(0, mismatches, "captions whose ids differ from the reference");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void lengthTruncationAndBpeAgreeWithTheIds(String layout, Path dir) {
        ClipTokenizer tokenizer = ClipTokenizer.load(dir);
        boolean sawTruncated = false;
        for (JsonNode c : cases()) {
            String caption = c.get("caption").textValue();
            int[] expected = ints(c.get("input_ids"));
            ClipTokenizer.Tokenized t = tokenizer.tokenize(caption);
            List<Integer> body = tokenizer.bpe(caption);
            assertEquals(body.size() + 2, t.length(), caption);
            assertEquals(t.length() > tokenizer.maxLength(), t.truncated(), caption);
            int kept = Math.min(body.size(), tokenizer.maxLength() - 2);
            for (int i = 0; i < kept; i++) {
                assertEquals(expected[1 + i], body.get(i), caption + " token " + i);
            }
            assertEquals(tokenizer.eosId(), expected[1 + kept], caption + ": EOS right after the kept tokens");
            sawTruncated |= t.truncated();
        }
        assertTrue(sawTruncated, "the long reference caption must be truncated");
    }

    @Test
    void specialIdsAndLengthMatchTheTextEncoderConfig() {
        ClipTokenizer tokenizer = ClipTokenizer.load(Fixtures.tinySd().resolve("tokenizer"));
        JsonConfig encoder = JsonConfig.read(Fixtures.tinySd().resolve("text_encoder/config.json"));
        assertEquals(encoder.intValue("bos_token_id"), tokenizer.bosId());
        assertEquals(encoder.intValue("eos_token_id"), tokenizer.eosId());
        assertEquals(encoder.intValue("pad_token_id"), tokenizer.padId());
        assertEquals(encoder.intValue("max_position_embeddings"), tokenizer.maxLength());
    }

    @Test
    void whitespaceCaseAndUnicodeCompositionDoNotChangeTheIds() {
        ClipTokenizer tokenizer = ClipTokenizer.load(Fixtures.tinySd().resolve("tokenizer"));
        assertArrayEquals(tokenizer.encode("a café at sunset"), tokenizer.encode("\t A  CAFE\u0301 at\n\nsunset  "));
        // the special tokens are single ids wherever they appear
        assertEquals(List.of(tokenizer.eosId()), tokenizer.bpe("<|endoftext|>"));
    }

    /** SD 2.x pads with "!" and writes special tokens as objects; special_tokens_map.json wins over tokenizer_config.json. */
    @Test
    void padTokenAndLengthComeFromTheConfigFiles() throws IOException {
        Path dir = copyOf(Fixtures.reference().resolve("tokenizer-src"));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"model_max_length": 12, "pad_token": "<|endoftext|>",
                 "bos_token": {"__type": "AddedToken", "content": "<|startoftext|>", "lstrip": false},
                 "eos_token": {"__type": "AddedToken", "content": "<|endoftext|>", "lstrip": false}}
                """);
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"pad_token": "!", "eos_token": {"content": "<|endoftext|>", "normalized": true}}
                """);
        ClipTokenizer tokenizer = ClipTokenizer.load(dir);
        int bang = vocab(dir).get("!").intValue();
        assertEquals(bang, tokenizer.padId());
        assertEquals(12, tokenizer.maxLength());

        ClipTokenizer.Tokenized shortOne = tokenizer.tokenize("a cat");
        int[] body = tokenizer.bpe("a cat").stream().mapToInt(Integer::intValue).toArray();
        assertEquals(12, shortOne.ids().length);
        assertFalse(shortOne.truncated());
        assertEquals(tokenizer.bosId(), shortOne.ids()[0]);
        assertArrayEquals(body, Arrays.copyOfRange(shortOne.ids(), 1, 1 + body.length));
        assertEquals(tokenizer.eosId(), shortOne.ids()[1 + body.length]);
        for (int i = 2 + body.length; i < 12; i++) {
            assertEquals(bang, shortOne.ids()[i], "padding at " + i);
        }

        String longCaption = "a fluffy red ball sitting next to a mirror on a wooden table";
        ClipTokenizer.Tokenized longOne = tokenizer.tokenize(longCaption);
        assertTrue(longOne.truncated());
        assertEquals(tokenizer.bpe(longCaption).size() + 2, longOne.length());
        assertEquals(12, longOne.ids().length);
        assertEquals(tokenizer.eosId(), longOne.ids()[11], "EOS stays last after truncation");
        assertEquals(tokenizer.bpe(longCaption).subList(0, 10),
                Arrays.stream(longOne.ids()).boxed().toList().subList(1, 11));
    }

    @Test
    void tokenizerJsonMergesMayBePairs() throws IOException {
        Path dir = copyOf(Fixtures.tinySd().resolve("tokenizer"));
        ObjectMapper json = new ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        var merges = json.createArrayNode();
        root.get("model").get("merges").forEach(m -> {
            var pair = json.createArrayNode();
            if (m.isTextual()) {
                Arrays.stream(m.textValue().split(" ")).forEach(pair::add);
            } else {
                m.forEach(pair::add);
            }
            merges.add(pair);
        });
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model")).set("merges", merges);
        json.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        // and the same with "a b" strings
        Path strings = copyOf(dir);
        var stringMerges = json.createArrayNode();
        merges.forEach(p -> stringMerges.add(p.get(0).textValue() + " " + p.get(1).textValue()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model")).set("merges", stringMerges);
        json.writeValue(strings.resolve("tokenizer.json").toFile(), root);

        ClipTokenizer pairs = ClipTokenizer.load(dir);
        ClipTokenizer texts = ClipTokenizer.load(strings);
        for (JsonNode c : cases()) {
            assertArrayEquals(ints(c.get("input_ids")), pairs.encode(c.get("caption").textValue()));
            assertArrayEquals(ints(c.get("input_ids")), texts.encode(c.get("caption").textValue()));
        }
    }

    @Test
    void missingFolderFailsClearly() {
        Path missing = tmp.resolve("nope");
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> ClipTokenizer.load(missing));
        assertTrue(e.getMessage().contains("tokenizer folder not found") && e.getMessage().contains(missing.toString()),
                e.getMessage());
    }

    @Test
    void folderWithoutVocabularyFailsListingWhatItHas() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tokenizer"));
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains("merges.txt") && e.getMessage().contains("tokenizer.json")
                && e.getMessage().contains("[vocab.json]"), e.getMessage());
    }

    @Test
    void corruptTokenizerJsonFailsNamingTheFile() throws IOException {
        Path dir = copyOf(Fixtures.tinySd().resolve("tokenizer"));
        Path file = dir.resolve("tokenizer.json");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.substring(0, text.length() / 2), StandardCharsets.UTF_8);
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void malformedMergeLineFailsNamingTheLine() throws IOException {
        Path dir = copyOf(Fixtures.reference().resolve("tokenizer-src"));
        Path merges = dir.resolve("merges.txt");
        List<String> lines = new ArrayList<>(Files.readAllLines(merges, StandardCharsets.UTF_8));
        lines.set(4, "onlyone");
        Files.write(merges, lines, StandardCharsets.UTF_8);
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains("merges.txt line 5") && e.getMessage().contains("onlyone"), e.getMessage());
    }

    @Test
    void vocabularyWithoutTheSpecialTokensFails() throws IOException {
        Path dir = copyOf(Fixtures.reference().resolve("tokenizer-src"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": \"<pad>\"}");
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains("pad_token") && e.getMessage().contains("<pad>"), e.getMessage());
    }

    private static JsonNode vocab(Path dir) throws IOException {
        return new ObjectMapper().readTree(dir.resolve("vocab.json").toFile());
    }

    private Path copyOf(Path source) throws IOException {
        Path target = Files.createTempDirectory(tmp, source.getFileName().toString());
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }
}
