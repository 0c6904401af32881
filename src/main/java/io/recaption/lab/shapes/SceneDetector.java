package io.recaption.lab.shapes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads an image against the ground truth of the scene it should show (a caption's scene rendered
 * by the same renderer): the background colour outside all expected masks, each shape's colour
 * inside its expected mask, and each shape's kind, size and position from the geometry of the
 * segmented region lying most on its mask.
 */
public final class SceneDetector {

    private final RegionSegmenter segmenter;

    public SceneDetector(RegionSegmenter segmenter) {
        this.segmenter = segmenter;
    }

    public static SceneDetector defaults() {
        return new SceneDetector(new RegionSegmenter(RegionSegmenter.Settings.defaults()));
    }

    public SceneCheck read(RgbImage image, RenderedScene expected) {
        ColourReading background = ColourDetector.outside(image, expected.foreground());
        List<Region> regions = segmenter.segment(image, background.meanRgb());
        List<ShapeCheck> shapes = new ArrayList<>();
        for (int k = 0; k < expected.masks().size(); k++) {
            Mask mask = expected.masks().get(k);
            Optional<Region> region = regions.stream()
                    .filter(r -> r.overlap(mask) > 0)
                    .max(Comparator.comparingDouble(r -> r.overlap(mask)));
            shapes.add(new ShapeCheck(expected.scene().shapes().get(k), ColourDetector.inside(image, mask), region,
                    region.map(r -> ShapeClassifier.classify(r.coverage()))));
        }
        return new SceneCheck(expected.scene(), background, shapes);
    }
}
