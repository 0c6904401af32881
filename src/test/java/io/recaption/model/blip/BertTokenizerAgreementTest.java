package io.recaption.model.blip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure-Java WordPiece (vocab.txt) against the Hugging Face tokenizers library (tokenizer.json,
 * the reference's own code) on the inputs where BERT tokenizers differ: accents, case, CJK,
 * punctuation and symbols, whitespace and control characters, special tokens written in the text,
 * over-long words, and decoding with word pieces, punctuation and special tokens.
 */
@Tag("conformance")
class BertTokenizerAgreementTest {

    private static final List<String> TEXTS = List.of(
            "", "   ", "a picture of", "A Furry bear, watching a bird!", "Café crème brûlée", "ÉCOLE Ñandú",
            "İstanbul", "ΣΟΦΙΑ σοφια", "straße", "中文字 and 日本語", "a中b文c", "tab\there\nnew\rline", "nbsp\u00a0and\u2003em",
            "ctrl\u0007char\u200bzero-width", "null\u0000byte", "repl\ufffdchar", "$5+3<=>^`|~ #@%&*", "«quoted» “curly” — dash…",
            "don't won't it's", "the [DEC] token [SEP] inside", "[CLS][SEP]", "x".repeat(101), "xylophone".repeat(11),
            "a".repeat(100), "zebra-striped xylophone", "two red circles", "emoji 🙂 here", "ﬁligature", "e\u0301 combining");

    private static BlipTokenizer library;
    private static BlipTokenizer inJava;

    @BeforeAll
    static void load(@TempDir Path tmp) throws IOException {
        library = BlipTokenizer.load(BlipFixtures.model());
        inJava = BlipTokenizer.load(BlipFixtures.copyModel(tmp.resolve("vocab-only"), BlipTokenizer.TOKENIZER_JSON));
        assertEquals(HuggingFaceBertTokenizer.class, library.getClass());
        assertEquals(WordPieceBertTokenizer.class, inJava.getClass());
    }

    @AfterAll
    static void close() {
        library.close();
        inJava.close();
    }

    @Test
    void encodingAgreesWithTheTokenizersLibrary() {
        for (String text : TEXTS) {
            assertArrayEquals(library.encode(text), inJava.encode(text), "«" + text + "»");
        }
        System.out.println("tokenizer agreement: " + TEXTS.size() + " texts encode identically");
    }

    @Test
    void decodingAgreesWithTheTokenizersLibrary() {
        List<long[]> sequences = new ArrayList<>();
        for (String text : TEXTS) {
            sequences.add(library.encode(text));
        }
        sequences.add(new long[] {170, 5, 121, 169, 3}); // a word piece first, punctuation after words
        sequences.add(new long[] {178, 5, 68, 62, 114, 130, 105, 17, 3, 0, 0}); // [DEC] … [SEP] [PAD] [PAD]
        Random random = new Random(0);
        for (int n = 0; n < 200; n++) { // random id strings over the whole vocabulary, specials included
            long[] ids = new long[1 + random.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(179);
            }
            sequences.add(ids);
        }
        for (long[] ids : sequences) {
            assertEquals(library.decode(ids), inJava.decode(ids), java.util.Arrays.toString(ids));
        }
        System.out.println("tokenizer agreement: " + sequences.size() + " id sequences decode identically");
    }

    @Test
    void overLongWordsAndUnknownPiecesBecomeOneUnk() {
        long unk = library.encode("[UNK]")[1];
        assertArrayEquals(new long[] {2, unk, 3}, inJava.encode("x".repeat(101)));
        assertTrue(inJava.encode("x".repeat(100)).length > 3, "a 100-character word is still split into pieces");
        assertArrayEquals(new long[] {2, unk, 3}, inJava.encode("🙂"));
    }

    @Test
    void theVocabularyFileAloneStillKnowsTheConfiguredSpecialTokens(@TempDir Path tmp) throws IOException {
        // [DEC] is BLIP's BOS: in the Hub snapshots it is an added token outside vocab.txt, declared in the configs
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("no-dec"), BlipTokenizer.TOKENIZER_JSON, BlipTokenizer.VOCAB_TXT);
        List<String> lines = Files.readAllLines(BlipFixtures.model().resolve(BlipTokenizer.VOCAB_TXT));
        Files.write(snapshot.resolve(BlipTokenizer.VOCAB_TXT), lines.subList(0, lines.indexOf("[DEC]")));
        Files.writeString(snapshot.resolve(BertTokenizerConfig.ADDED_TOKENS_FILE), "{\"[DEC]\": 178}");
        try (BlipTokenizer tokenizer = BlipTokenizer.load(snapshot)) {
            assertArrayEquals(library.encode("a [DEC] b"), tokenizer.encode("a [DEC] b"));
            long[] caption = {178, 5, 68, 62, 3};
            assertEquals(library.decode(caption), tokenizer.decode(caption));
        }
    }
}
