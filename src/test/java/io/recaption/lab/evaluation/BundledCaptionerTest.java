package io.recaption.lab.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.Fixtures;
import io.recaption.model.blip.BlipCaptioner;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bundled captioner ({@code models/shapes-captioner}) loads through the product's strict BLIP loader and
 * reads freshly drawn scenes of the shapes world about as well as the README's measurement says. The scenes are
 * the first of that measurement's seed, not the training run's stream; the thresholds come from the measured
 * rates with a margin (see each constant).
 */
@Tag("conformance")
class BundledCaptionerTest {

    /** The README's measurement seed: scenes the training run never drew. */
    private static final long SEED = 1;
    private static final int SCENES = 40;
    /**
     * Every shape's colour and kind: 0.980 over the README's 1,000 scenes (0.8 misses expected in 40; these 40
     * measured 0.925, three misses); five misses allowed.
     */
    private static final double MIN_SHAPES = 0.875;
    /** The whole scene (sizes and places too): 0.914 over the 1,000, 0.825 on these 40; ten misses allowed. */
    private static final double MIN_SCENE = 0.75;
    /** The background: 1.000 over the 1,000 scenes; two misses allowed. */
    private static final double MIN_BACKGROUND = 0.95;

    @Test
    void theBundledCaptionerNamesFreshScenesRight() {
        try (BlipCaptioner captioner = BlipCaptioner.load(Fixtures.shapesCaptioner())) {
            // the grammar's words and BERT's specials, [DEC] last
            assertEquals(captioner.model().config().text().vocabSize() - 1, captioner.model().config().text().bosTokenId());
            List<CaptioningEvaluation.Reading> readings = CaptioningEvaluation.measure(captioner, SEED, SCENES,
                    System.out::println);
            CaptioningEvaluation.Rates rates = CaptioningEvaluation.rates(readings);
            System.out.printf(Locale.ROOT, "bundled captioner on %d fresh scenes:%n%s", SCENES,
                    CaptioningEvaluation.table(rates));
            assertTrue(rates.background() >= MIN_BACKGROUND, "background " + rates.background());
            assertTrue(rates.shapes() >= MIN_SHAPES, "every shape's colour and kind " + rates.shapes());
            assertTrue(rates.scene() >= MIN_SCENE, "whole scene " + rates.scene());
        }
    }
}
