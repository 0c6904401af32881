package io.recaption.editing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.Fixtures;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.model.clip.ClipTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Word positions, token mappers and the edit derivation on the papers' captions. */
@Tag("unit")
class CaptionEditTest {

    private final ClipTokenizer tokenizer = ClipTokenizer.load(Fixtures.tinySd().resolve("tokenizer"));

    @Test
    void wordPositionsCountEachWordsTokensAfterTheStartToken() {
        // "xylophone" is several BPE tokens in the small reference vocabulary; "a" and "zebra" follow suit
        WordIndex index = new WordIndex(tokenizer, "a zebra xylophone quiz jumps");
        int[] ids = tokenizer.encode("a zebra xylophone quiz jumps");
        int position = 1;
        for (WordIndex.Word word : index.words()) {
            List<Integer> own = tokenizer.bpe(word.text());
            assertEquals(position, word.start(), word.text());
            for (int k = 0; k < own.size(); k++) {
                assertEquals(own.get(k), ids[position + k], "token " + k + " of " + word.text());
            }
            position = word.end();
        }
        assertEquals(tokenizer.eosId(), ids[position], "the end token follows the last word");
        assertArrayEquals(new int[] {2}, new WordIndex(tokenizer, "a cat sitting next to a mirror").positionsOf("cat"));
        assertArrayEquals(new int[] {1, 6}, new WordIndex(tokenizer, "a cat sitting next to a mirror").positionsOf("a"));
        assertArrayEquals(new int[] {7, 8}, new WordIndex(tokenizer, "a cat sitting next to a Mirror.").positionsOf("mirror"),
                "case and trailing punctuation do not hide a word; the word's span has its '.' token too");
        assertEquals(0, new WordIndex(tokenizer, "a cat").positionsOf("tiger").length);
    }

    @Test
    void catToTigerIsAWordSwapOnOneWord() {
        CaptionEdit edit = CaptionEdit.derive("a cat sitting next to a mirror", "a tiger sitting next to a mirror",
                Map.of(), List.of());
        assertEquals(CaptionEdit.Kind.REPLACE, edit.kind());
        assertEquals(List.of(1), edit.swappedWords());
    }

    @Test
    void addedWordsAreARefinement() {
        assertEquals(CaptionEdit.Kind.REFINE, CaptionEdit.derive("a cat sitting next to a mirror",
                "a silver cat sculpture sitting next to a mirror", Map.of(), List.of()).kind());
        assertEquals(CaptionEdit.Kind.REFINE, CaptionEdit.derive("a cat sitting next to a mirror",
                "watercolor painting of a cat sitting next to a mirror", Map.of(), List.of()).kind());
    }

    @Test
    void emphasisInlineAndAsOptionOnTheSameCaption() {
        CaptionEdit inline = CaptionEdit.derive("a fluffy cat sitting next to a mirror",
                "a (fluffy:4) cat sitting next to a mirror", Map.of(), List.of());
        assertEquals(CaptionEdit.Kind.NONE, inline.kind());
        assertEquals("a fluffy cat sitting next to a mirror", inline.edited());
        assertEquals(Map.of("fluffy", 4f), inline.emphasis());
        CaptionEdit option = CaptionEdit.derive("a fluffy cat sitting next to a mirror",
                "a fluffy cat sitting next to a mirror", Map.of("fluffy", 0.2f), List.of());
        assertEquals(Map.of("fluffy", 0.2f), option.emphasis());
        assertEquals(Map.of("fluffy", -1f), CaptionEdit.derive("a fluffy cat", "a (fluffy:-1) cat", Map.of(), List.of())
                .emphasis(), "negative, as the paper's reweighting allows, and as the request validator accepts");
    }

    @Test
    void unknownWordsAndBadFactorsAreRefusedClearly() {
        InputRejectedException unknown = assertThrows(InputRejectedException.class, () -> CaptionEdit.derive(
                "a cat sitting next to a mirror", "a cat sitting next to a mirror", Map.of("fluffy", 2f), List.of()));
        assertEquals("UNKNOWN_EMPHASIS_WORD", unknown.code());
        assertTrue(unknown.getMessage().contains("fluffy"), unknown.getMessage());
        for (String bad : new String[] {"NaN", "Infinity", "-1e9", "abc", "1e9"}) {
            InputRejectedException e = assertThrows(InputRejectedException.class,
                    () -> CaptionEdit.derive("a cat", "a (cat:" + bad + ")", Map.of(), List.of()), bad);
            assertEquals("INVALID_FACTOR", e.code(), bad);
        }
        assertEquals("INVALID_FACTOR", assertThrows(InputRejectedException.class,
                () -> CaptionEdit.derive("a cat", "a cat", Map.of("cat", Float.NaN), List.of())).code());
        assertEquals("UNKNOWN_BLEND_WORD", assertThrows(InputRejectedException.class,
                () -> CaptionEdit.derive("a cat", "a dog", Map.of(), List.of("bird"))).code());
    }

    @Test
    void wordsLeftOutOfALocalBlendAreCaptionWordsAndNeedBlendWords() {
        CaptionEdit edit = CaptionEdit.derive("a red circle on a green background", "a red circle on a blue background",
                Map.of(), List.of("green", "blue", "background"), List.of("Circle"));
        assertEquals(List.of("green", "blue", "background"), edit.blendWords());
        assertEquals(List.of("Circle"), edit.blendExceptWords());
        assertEquals("UNKNOWN_BLEND_WORD", assertThrows(InputRejectedException.class, () -> CaptionEdit.derive(
                "a red circle", "a blue circle", Map.of(), List.of("circle"), List.of("square"))).code());
        InputRejectedException alone = assertThrows(InputRejectedException.class, () -> CaptionEdit.derive(
                "a red circle", "a blue circle", Map.of(), List.of(), List.of("circle")));
        assertTrue(alone.getMessage().contains("need local-blend words"), alone.getMessage());
    }

    @Test
    void replacementMapperIsIdentityExceptOnSwappedTokens() {
        // cat (1 token at 2) → a word of 2 tokens at 2..3: each edited token reads cat's map at 1/2
        float[][] m = TokenAlignment.replacement(new int[][] {{2, 3}}, new int[][] {{2, 4}}, 10);
        assertEquals(1f, m[0][0]);
        assertEquals(1f, m[1][1]);
        assertEquals(0.5f, m[2][2]);
        assertEquals(0.5f, m[2][3]);
        // after the swap the source token 3 lines up with the edited token 4, not with 3
        assertEquals(1f, m[3][4]);
        assertEquals(0f, m[3][3]);
        float[][] equal = TokenAlignment.replacement(new int[][] {{2, 3}}, new int[][] {{2, 3}}, 6);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(i == j ? 1f : 0f, equal[i][j], i + "," + j);
            }
        }
    }

    @Test
    void refinementAlignsKeptTokensAndLeavesNewOnesTheirOwn() {
        int[] source = full("a cat sitting next to a mirror");
        int[] edited = full("a silver cat sculpture sitting next to a mirror");
        TokenAlignment.Refinement r = TokenAlignment.refinement(source, edited, 77);
        // edited: BOS a silver cat sculpture sitting next to a mirror EOS
        int[] expectedMapper = {0, 1, -1, 2, -1, 3, 4, 5, 6, 7, 8};
        for (int p = 0; p < expectedMapper.length; p++) {
            if (expectedMapper[p] < 0) {
                assertEquals(0f, r.alphas()[p], "new token " + p + " keeps its own map");
            } else {
                assertEquals(expectedMapper[p], r.mapper()[p], "edited token " + p);
                assertEquals(1f, r.alphas()[p]);
            }
        }
        assertEquals(40, r.mapper()[40], "padding maps to itself");
        int[] watercolor = full("watercolor painting of a cat sitting next to a mirror");
        TokenAlignment.Refinement w = TokenAlignment.refinement(source, watercolor, 77);
        assertEquals(0, w.mapper()[0]);
        int catAt = new WordIndex(tokenizer, "watercolor painting of a cat sitting next to a mirror").positionsOf("cat")[0];
        assertEquals(2, w.mapper()[catAt], "cat still reads cat");
    }

    private int[] full(String caption) {
        List<Integer> bpe = tokenizer.bpe(caption);
        int[] out = new int[bpe.size() + 2];
        out[0] = tokenizer.bosId();
        for (int i = 0; i < bpe.size(); i++) {
            out[i + 1] = bpe.get(i);
        }
        out[out.length - 1] = tokenizer.eosId();
        return out;
    }
}
