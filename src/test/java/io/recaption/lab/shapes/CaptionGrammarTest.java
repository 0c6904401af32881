package io.recaption.lab.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The caption grammar: the issue's examples, round trips, its vocabulary, and refusals. */
@Tag("unit")
class CaptionGrammarTest {

    @Test
    void theIssuesExamplesAreCaptionsOfTheirScenes() {
        Scene one = Scene.of(NamedColour.BLUE, new Shape(ShapeKind.CIRCLE, NamedColour.RED, ShapeSize.BIG, Position.CENTER));
        assertEquals("a big red circle on a blue background", CaptionGrammar.caption(one));
        Scene two = Scene.of(NamedColour.WHITE,
                new Shape(ShapeKind.TRIANGLE, NamedColour.YELLOW, ShapeSize.SMALL, Position.LEFT),
                new Shape(ShapeKind.SQUARE, NamedColour.GREEN, ShapeSize.MEDIUM, Position.RIGHT));
        assertEquals("a small yellow triangle at the left of a green square on a white background",
                CaptionGrammar.caption(two));
        assertEquals(two, CaptionGrammar.parse("a small yellow triangle at the left of a green square on a white background"));
        Scene placed = Scene.of(NamedColour.BLACK, new Shape(ShapeKind.DIAMOND, NamedColour.ORANGE, ShapeSize.MEDIUM, Position.TOP));
        assertEquals("a orange diamond at the top on a black background", CaptionGrammar.caption(placed));
        Scene stacked = Scene.of(NamedColour.PURPLE,
                new Shape(ShapeKind.CIRCLE, NamedColour.WHITE, ShapeSize.BIG, Position.BOTTOM),
                new Shape(ShapeKind.CIRCLE, NamedColour.WHITE, ShapeSize.SMALL, Position.TOP));
        assertEquals("a big white circle below a small white circle on a purple background", CaptionGrammar.caption(stacked));
    }

    @Test
    void everySampledCaptionParsesBackToItsSceneWithGrammarWordsOnly() {
        SceneSampler sampler = new SceneSampler(SceneDistribution.defaults(), 7);
        Set<String> vocabulary = new HashSet<>(CaptionGrammar.words());
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            Scene scene = sampler.scene(i);
            String caption = CaptionGrammar.caption(scene);
            assertEquals(scene, CaptionGrammar.parse(caption), caption);
            List<String> words = Arrays.asList(caption.split(" "));
            assertTrue(vocabulary.containsAll(words), caption);
            assertEquals(caption.trim(), caption);
            used.addAll(words);
        }
        assertEquals(vocabulary, used, "2000 default scenes use every word of the grammar");
    }

    @Test
    void theVocabularyIsTwentySixWords() {
        List<String> words = CaptionGrammar.words();
        System.out.println("shapes grammar: " + words.size() + " words: " + String.join(" ", words));
        assertEquals(26, words.size());
        assertEquals(words.size(), new HashSet<>(words).size(), "no word twice");
    }

    @Test
    void editsChangeTheWordsTheyShould() {
        Scene source = CaptionGrammar.parse("a red circle at the left of a big blue square on a white background");
        assertEquals("a green circle at the left of a big blue square on a white background",
                CaptionGrammar.caption(source.withShape(0, s -> s.withColour(NamedColour.GREEN))));
        assertEquals("a red circle at the left of a big blue triangle on a white background",
                CaptionGrammar.caption(source.withShape(1, s -> s.withKind(ShapeKind.TRIANGLE))));
        assertEquals("a red circle at the left of a big blue square on a yellow background",
                CaptionGrammar.caption(source.withBackground(NamedColour.YELLOW)));
        assertEquals("a small red circle at the left of a big blue square on a white background",
                CaptionGrammar.caption(source.withShape(0, s -> s.withSize(ShapeSize.SMALL))));
    }

    @Test
    void captionsOutsideTheGrammarAreRefusedNamingTheWord() {
        for (String bad : List.of("", "a red circle", "a red circle on a blue", "a big small red circle on a blue background",
                "a red circle at the top of a blue square on a white background", "a red circle on a red background",
                "a red circle on a blue background please", "a red cat on a blue background",
                "a red circle at the middle on a blue background", "the red circle on a blue background")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptionGrammar.parse(bad), bad);
            System.out.println("refused: " + e.getMessage());
        }
        assertEquals(CaptionGrammar.parse("a red circle on a blue background"),
                CaptionGrammar.parse("  A Red  circle on a BLUE background "), "case and spacing do not matter");
    }
}
