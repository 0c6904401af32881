package io.recaption.lab.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.NamedColour;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.SceneRenderer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The chain's colour swap on the captioner's words: which word it changes, and when it cannot be made. */
@Tag("unit")
class CaptionChainTest {

    private static final SceneRenderer RENDERER = new SceneRenderer(RenderSettings.defaults());

    private static EditCase colourSwapOfTheSecondShape(String caption) {
        RenderedScene scene = RENDERER.render(CaptionGrammar.parse(caption));
        for (long seed = 0; ; seed++) {
            EditCase edit = EditCase.derive(EditKind.COLOUR_SWAP, scene, RENDERER, new SplittableRandom(seed));
            if (edit.shapeIndex() == 1) {
                return edit;
            }
        }
    }

    @Test
    void theTrueCaptionGetsTheTablesEdit() {
        String truth = "a red circle at the left of a blue square on a white background";
        EditCase edit = colourSwapOfTheSecondShape(truth);
        CaptionChain.Swap swap = CaptionChain.colourSwap(truth, edit).orElseThrow();
        assertEquals(truth, swap.source());
        assertEquals(edit.editedCaption(), swap.edited());
    }

    @Test
    void aCaptionWithTheRelationReversedStillRecoloursTheNamedShape() {
        EditCase edit = colourSwapOfTheSecondShape("a red circle at the left of a blue square on a white background");
        NamedColour colour = edit.target().scene().shapes().get(1).colour();
        String said = "a blue square at the left of a red circle on a white background";
        CaptionChain.Swap swap = CaptionChain.colourSwap(said, edit).orElseThrow();
        assertEquals(said, swap.source());
        assertEquals("a " + colour.word() + " square at the left of a red circle on a white background", swap.edited());
    }

    @Test
    void twoShapesOfOneColourAndKindAreToldApartBySize() {
        EditCase edit = colourSwapOfTheSecondShape("a red diamond at the right of a big red diamond on a black background");
        NamedColour colour = edit.target().scene().shapes().get(1).colour();
        String said = "a big red diamond at the left of a red diamond on a black background";
        assertEquals("a big " + colour.word() + " diamond at the left of a red diamond on a black background",
                CaptionChain.colourSwap(said, edit).orElseThrow().edited());
    }

    @Test
    void aCaptionThatCannotCarryTheEditGivesNone() {
        EditCase edit = colourSwapOfTheSecondShape("a red circle at the left of a blue square on a white background");
        assertTrue(CaptionChain.colourSwap("a red circle on", edit).isEmpty(), "not parsed");
        assertTrue(CaptionChain.colourSwap("a red circle at the left on a white background", edit).isEmpty(),
                "the edited shape not said");
    }
}
