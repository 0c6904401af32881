package io.recaption.lab.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pooled figures and their per-seed ranges, and the generated block replaced in place. */
@Tag("unit")
class MethodComparisonTest {

    @Test
    void aRateIsPooledOverEveryScene_AndItsRangeIsThePerSeedRates() {
        // seed 1: 1 of 2 colour swaps from direct succeed; seed 2: 3 of 4
        MethodComparison comparison = new MethodComparison(List.of(report(1, 1, 2, 20.0), report(2, 3, 4, 30.0)));
        assertEquals(6, comparison.scenes());
        assertEquals(List.of(1L, 2L), comparison.seedValues());
        MethodComparison.Spread success = comparison.success("direct", "colourSwap");
        assertEquals(4 / 6.0, success.pooled(), 1e-12);
        assertEquals(0.5, success.low(), 1e-12);
        assertEquals(0.75, success.high(), 1e-12);
        MethodComparison.Spread psnr = comparison.psnr("direct");
        assertEquals((2 * 20.0 + 4 * 30.0) / 6, psnr.pooled(), 1e-12);
        assertEquals(20.0, psnr.low(), 1e-12);
        assertEquals(30.0, psnr.high(), 1e-12);
        assertEquals(new QualityReport.Cost(40, 0, 1.5, 900), comparison.cost("direct"));
        String md = comparison.toMarkdown();
        assertTrue(md.contains("6 scenes of the shapes world behind each figure (seeds 1, 2, 2 each)"), md);
        assertTrue(md.contains("| direct | 40 | 0 | 1.50 | 900 | 26.67 (20.00–30.00) |"), md);
        assertTrue(md.contains(" 0.67 (0.50–0.75) |"), md);
        assertTrue(comparison.toJson().contains("\"pooled\""));
    }

    @Test
    void theBlockBetweenTheMarkersIsReplacedAndNothingElse() {
        MethodComparison comparison = new MethodComparison(List.of(report(1, 1, 1, 25.0)));
        String readme = "# title\n\nbefore\n" + MethodComparison.BEGIN + "\nold table\n" + MethodComparison.END
                + "\nafter\n";
        String replaced = comparison.replaceBlock(readme);
        assertTrue(replaced.startsWith("# title\n\nbefore\n" + MethodComparison.BEGIN + "\n"), replaced);
        assertTrue(replaced.endsWith(MethodComparison.END + "\nafter\n"), replaced);
        assertTrue(!replaced.contains("old table") && replaced.contains("| direct |"), replaced);
        // idempotent: run again, the same file
        assertEquals(replaced, comparison.replaceBlock(replaced));
        assertThrows(IllegalArgumentException.class, () -> comparison.replaceBlock("no markers"));
        assertThrows(IllegalArgumentException.class,
                () -> comparison.replaceBlock(MethodComparison.END + "\n" + MethodComparison.BEGIN));
    }

    /** {@code scenes} scenes, the first {@code successes} of whose edits succeed, every PSNR {@code psnr}. */
    private static QualityReport report(long seed, int successes, int scenes, double psnr) {
        List<QualityReport.ImageResult> images = new ArrayList<>();
        for (int i = 0; i < scenes; i++) {
            Map<String, QualityReport.Score> reconstruction = new LinkedHashMap<>();
            Map<String, QualityReport.Cost> costs = new LinkedHashMap<>();
            Map<String, Map<String, QualityReport.EditOutcome>> edits = new LinkedHashMap<>();
            for (String method : QualityReport.METHODS) {
                reconstruction.put(method, new QualityReport.Score(psnr, 0.9));
            }
            for (String method : QualityReport.INVERSIONS) {
                costs.put(method, new QualityReport.Cost(40, 0, i % 2 == 0 ? 1.0 : 2.0, 900 - i));
                Map<String, QualityReport.EditOutcome> outcomes = new LinkedHashMap<>();
                for (String variant : QualityReport.variants()) {
                    outcomes.put(variant, new QualityReport.EditOutcome("c", i < successes, 30, 0.9));
                }
                edits.put(method, outcomes);
            }
            images.add(new QualityReport.ImageResult(i, "c", reconstruction, costs, edits,
                    new QualityReport.TextToImage(true, true, true, true), null));
        }
        return new QualityReport(EvaluationSettings.defaults().withSeed(seed).withImages(scenes), "model", null, 1,
                images, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    }
}
