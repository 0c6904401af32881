package io.recaption.lab.shapes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the shapes in an image without ground truth: pixels far from the background colour, grouped
 * into 8-connected components; small components (noise) are dropped. Each component's colour is the
 * mean of its interior, and its coverage is estimated per pixel by projecting the pixel onto the
 * background→shape colour segment (an anti-aliased edge pixel p = c·shape + (1 − c)·background gives
 * back c), over the component grown by one pixel so that faint edge pixels are included.
 */
public final class RegionSegmenter {

    /**
     * {@code threshold}: RGB distance from the background beyond which a pixel is a shape candidate
     * (about half the closest pair of named colours, and four noise σ of 0.05);
     * {@code minAreaFraction}: smaller components, as a fraction of the image, are noise.
     */
    public record Settings(double threshold, double minAreaFraction) {
        public static Settings defaults() {
            return new Settings(0.2, 0.003);
        }
    }

    private final Settings settings;

    public RegionSegmenter(Settings settings) {
        this.settings = settings;
    }

    /** Regions, largest first, against the background read from the image's border. */
    public List<Region> segment(RgbImage image) {
        return segment(image, ColourDetector.border(image).meanRgb());
    }

    /** Regions, largest first, against the given background colour. */
    public List<Region> segment(RgbImage image, float[] background) {
        int w = image.width();
        int h = image.height();
        boolean[] candidate = new boolean[w * h];
        for (int i = 0; i < candidate.length; i++) {
            candidate[i] = image.distance(i, background) > settings.threshold();
        }
        int minPixels = (int) Math.ceil(settings.minAreaFraction() * w * h);
        List<Region> regions = new ArrayList<>();
        int[] label = new int[w * h];
        int next = 0;
        for (int start = 0; start < candidate.length; start++) {
            if (candidate[start] && label[start] == 0) {
                next++;
                List<Integer> component = grow(candidate, label, start, next, w, h);
                if (component.size() >= minPixels) {
                    regionOf(image, background, component, label, next).ifPresent(regions::add);
                }
            }
        }
        regions.sort(Comparator.comparingDouble((Region r) -> r.coverage().area()).reversed());
        return regions;
    }

    private static List<Integer> grow(boolean[] candidate, int[] label, int start, int id, int w, int h) {
        List<Integer> component = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        label[start] = id;
        queue.add(start);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            component.add(i);
            int x = i % w;
            int y = i / w;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx;
                    int yy = y + dy;
                    if (xx >= 0 && xx < w && yy >= 0 && yy < h) {
                        int j = yy * w + xx;
                        if (candidate[j] && label[j] == 0) {
                            label[j] = id;
                            queue.add(j);
                        }
                    }
                }
            }
        }
        return component;
    }

    private Optional<Region> regionOf(RgbImage image, float[] background, List<Integer> component,
            int[] label, int id) {
        int w = image.width();
        int h = image.height();
        float[] member = new float[w * h];
        for (int i : component) {
            member[i] = 1f;
        }
        Mask members = new Mask(w, h, member);
        Mask interior = members.erode(1);
        float[] colour = ColourDetector.mean(image, interior.area() > 0 ? interior : members);
        float[] direction = new float[3];
        double length2 = 0;
        for (int c = 0; c < 3; c++) {
            direction[c] = colour[c] - background[c];
            length2 += direction[c] * direction[c];
        }
        if (Math.sqrt(length2) <= settings.threshold()) {
            return Optional.empty();
        }
        Mask grown = members.dilate(1);
        float[] coverage = new float[w * h];
        for (int i = 0; i < coverage.length; i++) {
            // a pixel of another component is not this region's edge
            if (grown.at(i) > 0 && (label[i] == 0 || label[i] == id)) {
                double dot = 0;
                for (int c = 0; c < 3; c++) {
                    dot += (image.value(c, i) - background[c]) * direction[c];
                }
                coverage[i] = (float) Math.max(0, Math.min(1, dot / length2));
            }
        }
        return Optional.of(new Region(new Mask(w, h, coverage), NamedColour.nearest(colour)));
    }
}
