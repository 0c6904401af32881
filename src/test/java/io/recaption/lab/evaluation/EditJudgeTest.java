package io.recaption.lab.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.lab.shapes.ImageQuality;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.RgbImage;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import io.recaption.lab.shapes.ShapeSize;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The judge is not vacuous: the unedited input fails a swap, the edited scene's own rendering passes every edit. */
@Tag("unit")
class EditJudgeTest {

    private static final int SCENES = 12;
    private final SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
    private final EditJudge judge = EditJudge.defaults();

    @Test
    void theUneditedInputFailsEverySwap() {
        for (int i = 0; i < SCENES; i++) {
            RenderedScene source = scene(i);
            RgbImage input = QualityEvaluation.input(source);
            for (EditKind kind : new EditKind[] {EditKind.COLOUR_SWAP, EditKind.SHAPE_SWAP, EditKind.BACKGROUND_SWAP,
                    EditKind.ADDED_ADJECTIVE, EditKind.EMPHASIS_DOWN}) {
                EditCase edit = EditCase.derive(kind, source, renderer, new SplittableRandom(i));
                assertFalse(judge.success(edit, input), kind + " judged done on the unedited input: " + source.caption()
                        + " → " + edit.editedCaption());
                assertEquals(Double.POSITIVE_INFINITY, EditJudge.keptPsnr(edit, input, input), "the input keeps everything");
            }
            // the emphasis keeps the caption: the unedited input is a success
            EditCase emphasis = EditCase.derive(EditKind.EMPHASIS, source, renderer, new SplittableRandom(i));
            assertTrue(judge.success(emphasis, input), source.caption());
        }
    }

    @Test
    void theEditedScenesOwnRenderingPassesEveryEditAndKeepsTheKeptRegion() {
        for (int i = 0; i < SCENES; i++) {
            RenderedScene source = scene(i);
            RgbImage input = QualityEvaluation.input(source);
            for (EditKind kind : EditKind.values()) {
                if (kind == EditKind.EMPHASIS_DOWN) {
                    continue; // its truth is a weakened colour, not a scene: see the next test
                }
                EditCase edit = EditCase.derive(kind, source, renderer, new SplittableRandom(i));
                RgbImage truth = QualityEvaluation.input(edit.target());
                assertTrue(judge.success(edit, truth), kind + ": " + edit.editedCaption());
                // the truth changes nothing outside the edited shape (inside the shapes for a background swap)
                assertEquals(Double.POSITIVE_INFINITY, EditJudge.keptPsnr(edit, input, truth), kind + " kept region");
                if (kind != EditKind.BACKGROUND_SWAP) {
                    // (inside small shapes, SSIM's 11-pixel windows also see the swapped background)
                    assertEquals(1.0, EditJudge.keptSsim(edit, input, truth), 1e-6, kind + " kept SSIM");
                }
                if (kind != EditKind.EMPHASIS) {
                    double whole = ImageQuality.psnr(input, truth);
                    assertTrue(Double.isFinite(whole), kind + " changes the image somewhere: " + whole);
                }
            }
        }
    }

    @Test
    void emphasisDownSucceedsWhenTheShapesColourMovesAwayAndItsKindStays() {
        for (int i = 0; i < SCENES; i++) {
            RenderedScene source = scene(i);
            EditCase edit = EditCase.derive(EditKind.EMPHASIS_DOWN, source, renderer, new SplittableRandom(i));
            var shape = source.scene().shapes().get(edit.shapeIndex());
            var background = source.scene().background();
            // the shape drawn in another colour (not the background's): its named colour is gone, its outline stays
            var other = java.util.Arrays.stream(io.recaption.lab.shapes.NamedColour.values())
                    .filter(c -> c != shape.colour() && c != background
                            && c.distanceTo(shape.colour().rgb()) > 2 * EditJudge.EMPHASIS_DOWN_SHIFT)
                    .findFirst().orElseThrow();
            RgbImage faded = QualityEvaluation.input(
                    renderer.render(source.scene().withShape(edit.shapeIndex(), s -> s.withColour(other))));
            assertTrue(judge.success(edit, faded), edit.editedCaption() + " with the shape " + other.word());
            assertEquals(Double.POSITIVE_INFINITY, EditJudge.keptPsnr(edit, QualityEvaluation.input(source), faded));
        }
    }

    @Test
    void aPerfectReconstructionScoresInfinityAndOneAndAnotherSceneDoesNot() {
        RenderedScene a = scene(0);
        RgbImage input = QualityEvaluation.input(a);
        QualityReport.Score perfect = QualityEvaluation.score(input, RgbImage.of(a.image().toBufferedImage()));
        assertEquals(Double.POSITIVE_INFINITY, perfect.psnr());
        assertEquals(1.0, perfect.ssim(), 1e-9);
        QualityReport.Score other = QualityEvaluation.score(input, QualityEvaluation.input(scene(1)));
        assertTrue(other.psnr() < 30 && other.ssim() < 0.99, other.toString());
    }

    private RenderedScene scene(int i) {
        var scene = new SceneSampler(SceneDistribution.defaults(), 3).scene(i);
        if (scene.shapes().stream().noneMatch(s -> s.size() == ShapeSize.MEDIUM)) {
            scene = scene.withShape(0, s -> s.withSize(ShapeSize.MEDIUM));
        }
        return renderer.render(scene);
    }
}
