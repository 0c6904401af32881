package io.recaption.lab.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The analytic detectors on the generator's own images: every kind × colour × size × position
 * (and every background) read back exactly, clean and with noise σ = 0.05; still with a 1-pixel blur;
 * and wrong captions are caught.
 */
@Tag("unit")
class SceneDetectorTest {

    private static final double NOISE = 0.05;

    private final SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
    private final SceneDetector detector = SceneDetector.defaults();

    /** Every kind × colour × size × position (backgrounds in turn); every kind × colour × background at the centre. */
    private static List<Scene> everyCombination() {
        List<Scene> scenes = new ArrayList<>();
        NamedColour[] colours = NamedColour.values();
        int n = 0;
        for (ShapeKind kind : ShapeKind.values()) {
            for (NamedColour colour : colours) {
                for (NamedColour background : colours) {
                    if (background != colour) {
                        scenes.add(Scene.of(background, new Shape(kind, colour, ShapeSize.MEDIUM, Position.CENTER)));
                    }
                }
                for (ShapeSize size : ShapeSize.values()) {
                    for (Position position : Position.values()) {
                        NamedColour background = colours[(colour.ordinal() + 1 + n++) % colours.length];
                        if (background == colour) {
                            background = colours[(background.ordinal() + 1) % colours.length];
                        }
                        scenes.add(Scene.of(background, new Shape(kind, colour, size, position)));
                    }
                }
            }
        }
        return scenes;
    }

    @Test
    void everyCombinationIsReadBackExactlyCleanAndNoisy() {
        List<Scene> scenes = everyCombination();
        SceneSampler sampler = new SceneSampler(SceneDistribution.defaults(), 3);
        for (int i = 0; i < 300; i++) {
            scenes.add(sampler.scene(i));
        }
        for (double sigma : new double[] {0, NOISE}) {
            Stats stats = new Stats();
            int index = 0;
            for (Scene scene : scenes) {
                RenderedScene truth = renderer.render(scene);
                RgbImage image = sigma == 0 ? truth.image() : Degrade.noise(truth.image(), sigma, index++);
                SceneCheck check = detector.read(image, truth);
                String what = truth.caption() + " (σ " + sigma + ")";
                assertTrue(check.backgroundMatches(), what + ": background read as " + check.background());
                for (ShapeCheck shape : check.shapes()) {
                    assertTrue(shape.colourMatches(), what + ": colour read as " + shape.colour());
                    assertTrue(shape.shape().isPresent(), what + ": no region found");
                    ShapeReading reading = shape.shape().get();
                    assertTrue(shape.kindMatches(), what + ": " + shape.expected().kind() + " read as " + reading);
                    assertTrue(shape.sizeMatches(), what + ": " + shape.expected().size() + " read as " + reading);
                    assertEquals(shape.expected().position(), reading.position(), what);
                    assertTrue(shape.regionColourMatches(), what + ": region colour " + shape.region().get().colour());
                    stats.add(shape, check.background());
                }
                assertTrue(check.matches(), what);
            }
            System.out.printf("σ %.2f: %d scenes all read back; %s%n", sigma, scenes.size(), stats);
        }
    }

    @Test
    void aOnePixelBlurStillReadsBackAndTheReadingDegradesGracefullyBeyond() {
        // a stand-in for a VAE's soft reconstructions; beyond σ = 1 px small shapes lose their corners
        SceneSampler sampler = new SceneSampler(SceneDistribution.defaults(), 9);
        for (double sigma : new double[] {1.0, 1.5, 2.0}) {
            int matching = 0;
            int scenes = 200;
            for (int i = 0; i < scenes; i++) {
                RenderedScene truth = renderer.render(sampler.scene(i));
                SceneCheck check = detector.read(Degrade.blur(truth.image(), sigma), truth);
                assertTrue(check.backgroundMatches() && check.shapes().stream().allMatch(ShapeCheck::colourMatches),
                        "colours survive any of these blurs: " + truth.caption());
                if (sigma == 1.0) {
                    assertTrue(check.matches(), truth.caption() + " blurred by 1 px");
                }
                matching += check.matches() ? 1 : 0;
            }
            System.out.printf("blur σ %.1f px: %d of %d scenes read back (kind, colour, background)%n", sigma, matching, scenes);
        }
    }

    @Test
    void theTrueMasksThemselvesAreClassifiedByKind() {
        for (ShapeKind kind : ShapeKind.values()) {
            for (ShapeSize size : ShapeSize.values()) {
                Shape shape = new Shape(kind, NamedColour.RED, size, Position.RIGHT);
                Mask mask = renderer.render(Scene.of(NamedColour.WHITE, shape)).masks().get(0);
                ShapeReading reading = ShapeClassifier.classify(mask);
                assertEquals(kind, reading.kind(), reading.toString());
                assertEquals(size, reading.size(), reading.toString());
                assertEquals(Position.RIGHT, reading.position(), reading.toString());
            }
        }
    }

    @Test
    void aRedCircleIsNotARedSquareNorAnythingElseItIsNot() {
        for (ShapeKind drawn : ShapeKind.values()) {
            for (ShapeSize size : ShapeSize.values()) {
                Scene scene = Scene.of(NamedColour.BLUE, new Shape(drawn, NamedColour.RED, size, Position.LEFT));
                RgbImage image = Degrade.noise(renderer.render(scene).image(), NOISE, drawn.ordinal());
                for (ShapeKind claimed : ShapeKind.values()) {
                    // the claimed scene's masks locate the shape; its kind must come from the pixels
                    SceneCheck check = detector.read(image, renderer.render(scene.withShape(0, s -> s.withKind(claimed))));
                    ShapeCheck shape = check.shapes().get(0);
                    assertEquals(claimed == drawn, shape.kindMatches(), drawn + " drawn, " + claimed + " claimed: " + shape.shape());
                    assertTrue(shape.regionColourMatches(), "still red");
                    assertEquals(size, shape.shape().orElseThrow().size());
                }
            }
        }
    }

    @Test
    void wrongColoursBackgroundsAndMissingShapesAreCaught() {
        Scene scene = CaptionGrammar.parse("a big orange triangle above a small yellow circle on a white background");
        RgbImage image = Degrade.noise(renderer.render(scene).image(), NOISE, 11);
        assertTrue(detector.read(image, renderer.render(scene)).matches());

        SceneCheck recoloured = detector.read(image, renderer.render(scene.withShape(1, s -> s.withColour(NamedColour.ORANGE))));
        assertFalse(recoloured.shapes().get(1).colourMatches(), "yellow is not orange");
        assertTrue(recoloured.shapes().get(0).matches());
        assertFalse(recoloured.matches());

        SceneCheck background = detector.read(image, renderer.render(scene.withBackground(NamedColour.BLACK)));
        assertFalse(background.backgroundMatches());
        assertEquals(NamedColour.WHITE, background.background().colour());

        SceneCheck resized = detector.read(image, renderer.render(scene.withShape(0, s -> s.withSize(ShapeSize.MEDIUM))));
        assertFalse(resized.shapes().get(0).sizeMatches(), "a big triangle is not a medium one");

        RgbImage empty = renderer.render(Scene.of(NamedColour.WHITE,
                new Shape(ShapeKind.CIRCLE, NamedColour.RED, ShapeSize.SMALL, Position.BOTTOM))).image();
        SceneCheck missing = detector.read(empty, renderer.render(scene));
        assertTrue(missing.shapes().get(0).shape().isEmpty(), "nothing at the top");
        assertFalse(missing.shapes().get(0).matches());
        assertFalse(missing.shapes().get(1).colourMatches(), "a red circle is no yellow one");
    }

    @Test
    void theBorderReadsTheBackgroundWithoutGroundTruth() {
        SceneSampler sampler = new SceneSampler(SceneDistribution.defaults(), 5);
        for (int i = 0; i < 100; i++) {
            Scene scene = sampler.scene(i);
            RgbImage image = Degrade.noise(renderer.render(scene).image(), NOISE, i);
            assertEquals(scene.background(), ColourDetector.border(image).colour());
            List<Region> regions = new RegionSegmenter(RegionSegmenter.Settings.defaults()).segment(image);
            assertEquals(scene.shapes().size(), regions.size(), CaptionGrammar.caption(scene));
        }
    }

    /** The closest calls: the largest colour distance and smallest margins, and each kind's template IoU range. */
    private static final class Stats {
        private double colourMargin = Double.POSITIVE_INFINITY;
        private double colourDistance;
        private double shapeMargin = Double.POSITIVE_INFINITY;
        private final Map<ShapeKind, double[]> ious = new EnumMap<>(ShapeKind.class);

        void add(ShapeCheck shape, ColourReading background) {
            colourMargin = Math.min(colourMargin, Math.min(shape.colour().margin(), background.margin()));
            colourDistance = Math.max(colourDistance, Math.max(shape.colour().distance(), background.distance()));
            ShapeReading r = shape.shape().orElseThrow();
            shapeMargin = Math.min(shapeMargin, r.margin());
            double[] range = ious.computeIfAbsent(r.kind(), k -> new double[] {1, 0});
            range[0] = Math.min(range[0], r.iou());
            range[1] = Math.max(range[1], r.iou());
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(String.format(
                    "colour: largest distance %.3f, smallest margin %.3f; shape: smallest IoU margin %.3f; IoU",
                    colourDistance, colourMargin, shapeMargin));
            ious.forEach((kind, r) -> s.append(String.format(" %s %.3f–%.3f", kind.word(), r[0], r[1])));
            return s.toString();
        }
    }
}
