package io.recaption.lab.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The sampler's determinism, the scenes' validity and edits, and the renderer's pixels and masks. */
@Tag("unit")
class SceneWorldTest {

    private final SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());

    @Test
    void theSameSeedGivesTheSameScenesAndPixelsInAnyOrder() {
        SceneSampler a = new SceneSampler(SceneDistribution.defaults(), 42);
        SceneSampler b = new SceneSampler(SceneDistribution.defaults(), 42);
        SceneSampler other = new SceneSampler(SceneDistribution.defaults(), 43);
        int differing = 0;
        for (int i = 49; i >= 0; i--) {
            Scene scene = a.scene(i);
            assertEquals(scene, b.scene(i), "scene " + i);
            assertArrayEquals(renderer.render(scene).image().pixels(), renderer.render(b.scene(i)).image().pixels());
            if (!scene.equals(other.scene(i))) {
                differing++;
            }
        }
        assertEquals(a.scene(17), new SceneSampler(SceneDistribution.defaults(), 42).scene(17),
                "a scene depends on its index, not on what was drawn before");
        assertTrue(differing >= 45, "another seed draws other scenes (" + differing + " of 50 differ)");
    }

    @Test
    void theSamplerDrawsOnlyFromItsDistribution() {
        SceneDistribution narrow = new SceneDistribution(0, List.of(ShapeKind.CIRCLE, ShapeKind.SQUARE),
                List.of(NamedColour.RED, NamedColour.BLUE), List.of(NamedColour.RED), List.of(ShapeSize.BIG),
                List.of(Position.CENTER), List.of(Relation.ABOVE));
        SceneSampler sampler = new SceneSampler(narrow, 1);
        int circles = 0;
        for (int i = 0; i < 200; i++) {
            Scene scene = sampler.scene(i);
            assertEquals(1, scene.shapes().size());
            Shape shape = scene.shapes().get(0);
            assertEquals(NamedColour.BLUE, shape.colour(), "red is the background, so every shape is blue");
            assertEquals(ShapeSize.BIG, shape.size());
            circles += shape.kind() == ShapeKind.CIRCLE ? 1 : 0;
        }
        assertTrue(circles > 70 && circles < 130, "about half circles: " + circles);
        SceneSampler pairs = new SceneSampler(new SceneDistribution(1, narrow.kinds(), narrow.shapeColours(),
                List.of(NamedColour.WHITE), narrow.sizes(), narrow.singlePositions(), List.of(Relation.BELOW)), 1);
        assertEquals(List.of(Position.BOTTOM, Position.TOP),
                pairs.scene(3).shapes().stream().map(Shape::position).toList());
        assertThrows(IllegalArgumentException.class, () -> new SceneDistribution(0.5, narrow.kinds(),
                List.of(NamedColour.RED), List.of(NamedColour.RED), narrow.sizes(), narrow.singlePositions(),
                narrow.relations()), "no visible colour");
    }

    @Test
    void invalidScenesAreRefused() {
        Shape left = new Shape(ShapeKind.CIRCLE, NamedColour.RED, ShapeSize.BIG, Position.LEFT);
        assertThrows(IllegalArgumentException.class, () -> Scene.of(NamedColour.RED, left), "invisible shape");
        assertThrows(IllegalArgumentException.class, () -> Scene.of(NamedColour.BLUE, left, left), "both at the left");
        Shape top = new Shape(ShapeKind.SQUARE, NamedColour.GREEN, ShapeSize.SMALL, Position.TOP);
        assertThrows(IllegalArgumentException.class, () -> Scene.of(NamedColour.BLUE, left, top), "left and top are no relation");
        assertEquals(Relation.ABOVE, Scene.of(NamedColour.BLUE, top, new Shape(ShapeKind.SQUARE, NamedColour.RED,
                ShapeSize.BIG, Position.BOTTOM)).relation().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> Scene.of(NamedColour.BLUE, left).withBackground(NamedColour.RED),
                "an edit that would hide the shape");
        assertThrows(IllegalArgumentException.class, () -> new Scene(List.of(), NamedColour.BLUE));
    }

    @Test
    void maskAreasAgreeWithTheAnalyticAreas() {
        double worst = 0;
        for (ShapeKind kind : ShapeKind.values()) {
            for (ShapeSize size : ShapeSize.values()) {
                for (Position position : Position.values()) {
                    Shape shape = new Shape(kind, NamedColour.RED, size, position);
                    RenderedScene rendered = renderer.render(Scene.of(NamedColour.BLUE, shape));
                    double expected = renderer.settings().areaPixels(shape);
                    double error = Math.abs(rendered.masks().get(0).area() - expected) / expected;
                    worst = Math.max(worst, error);
                    assertTrue(error < 0.03, kind + " " + size + " " + position + ": mask area "
                            + rendered.masks().get(0).area() + " vs " + expected);
                }
            }
        }
        System.out.printf("mask area vs analytic area: worst relative error %.4f%n", worst);
    }

    @Test
    void pixelsMixTheShapeAndBackgroundColoursByCoverage() {
        Scene scene = CaptionGrammar.parse("a big red triangle at the left of a small green diamond on a blue background");
        RenderedScene rendered = renderer.render(scene);
        RgbImage image = rendered.image();
        Mask first = rendered.masks().get(0);
        Mask second = rendered.masks().get(1);
        float[] red = NamedColour.RED.rgb();
        float[] green = NamedColour.GREEN.rgb();
        float[] blue = NamedColour.BLUE.rgb();
        int edge = 0;
        for (int i = 0; i < image.pixelCount(); i++) {
            float a = first.at(i);
            float b = second.at(i);
            assertTrue(a == 0 || b == 0, "the shapes do not touch");
            for (int c = 0; c < 3; c++) {
                float expected = a * red[c] + b * green[c] + (1 - a - b) * blue[c];
                assertEquals(expected, image.value(c, i), 1e-5);
            }
            edge += (a > 0 && a < 1) || (b > 0 && b < 1) ? 1 : 0;
        }
        assertTrue(edge > 50, "anti-aliased edge pixels: " + edge);
        assertEquals(0, first.at(0), "the corner is background");
        assertTrue(first.at(17 + 40 * 64) == 1f && first.at(17 + 20 * 64) < 1f, "the triangle is wide at the bottom, thin at the top");
    }

    @Test
    void anEditChangesOnlyThePixelsOfTheEditedShape() {
        Scene scene = CaptionGrammar.parse("a red circle above a big yellow square on a purple background");
        RenderedScene before = renderer.render(scene);
        RenderedScene after = renderer.render(scene.withShape(0, s -> s.withColour(NamedColour.WHITE)));
        Mask edited = before.masks().get(0);
        int changed = 0;
        for (int i = 0; i < before.image().pixelCount(); i++) {
            boolean differs = !Arrays.equals(before.image().rgb(i), after.image().rgb(i));
            assertEquals(edited.at(i) > 0, differs, "pixel " + i);
            changed += differs ? 1 : 0;
        }
        assertTrue(changed > 100);
        assertArrayEquals(before.masks().get(1).coverage(), after.masks().get(1).coverage());
        RenderedScene swapped = renderer.render(scene.withShape(0, s -> s.withKind(ShapeKind.SQUARE)));
        assertNotEquals(before.masks().get(0).area(), swapped.masks().get(0).area());
        assertFalse(before.caption().equals(swapped.caption()));
    }

    @Test
    void otherImageSizesScaleTheScene() {
        Shape shape = new Shape(ShapeKind.SQUARE, NamedColour.RED, ShapeSize.MEDIUM, Position.CENTER);
        SceneRenderer large = new SceneRenderer(new RenderSettings(128, 2));
        RenderedScene rendered = large.render(Scene.of(NamedColour.WHITE, shape));
        assertEquals(128, rendered.image().width());
        assertEquals(large.settings().areaPixels(shape), rendered.masks().get(0).area(), 0.03 * large.settings().areaPixels(shape));
        RgbImage roundTrip = RgbImage.of(rendered.image().toBufferedImage());
        for (int i = 0; i < roundTrip.pixels().length; i++) {
            assertEquals(rendered.image().pixels()[i], roundTrip.pixels()[i], 0.5 / 255 + 1e-6);
        }
    }
}
