package io.recaption.lab.shapes;

import java.util.Arrays;

/** Reads named colours from pixels: inside a mask, outside a foreground, or along the image's border. */
public final class ColourDetector {

    /** Coverage counted as fully inside (the renderer's full coverage is exactly 1). */
    private static final float FULL = 0.999f;
    /** Pixels this close to any foreground coverage are not background (anti-aliased edges, a slightly moved shape). */
    private static final int BACKGROUND_MARGIN = 2;
    /** The ring of pixels along the border read as background by {@link #border}. */
    private static final int BORDER_RING = 2;

    private ColourDetector() {}

    /**
     * The mean colour of the mask's interior: fully covered pixels eroded by one pixel (so that a
     * shape drawn a pixel off, or a blurred edge, does not mix in background); if that leaves
     * nothing, the fully covered pixels; then the pixels at least half covered.
     */
    public static ColourReading inside(RgbImage image, Mask mask) {
        requireSameSize(image, mask);
        Mask core = mask.atLeast(FULL);
        for (Mask candidate : new Mask[] {core.erode(1), core, mask.atLeast(0.5f)}) {
            if (candidate.area() > 0) {
                return NamedColour.nearest(mean(image, candidate));
            }
        }
        throw new IllegalArgumentException("the mask covers no pixel by half or more");
    }

    /** The mean colour of the pixels farther than two pixels from any coverage of {@code foreground}. */
    public static ColourReading outside(RgbImage image, Mask foreground) {
        requireSameSize(image, foreground);
        Mask background = foreground.dilate(BACKGROUND_MARGIN).support().complement();
        if (background.area() == 0) {
            throw new IllegalArgumentException("no pixel is two pixels away from the foreground");
        }
        return NamedColour.nearest(mean(image, background));
    }

    /**
     * The background read without ground truth: the per-channel median of the two outermost pixel
     * rings, which the world's shapes never reach (the median also ignores a shape that would).
     */
    public static ColourReading border(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int ring = Math.min(BORDER_RING, Math.min(w, h) / 2);
        float[][] values = new float[3][];
        int n = 0;
        int[] indices = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x < ring || y < ring || x >= w - ring || y >= h - ring) {
                    indices[n++] = y * w + x;
                }
            }
        }
        float[] median = new float[3];
        for (int c = 0; c < 3; c++) {
            values[c] = new float[n];
            for (int k = 0; k < n; k++) {
                values[c][k] = image.value(c, indices[k]);
            }
            Arrays.sort(values[c]);
            median[c] = n % 2 == 1 ? values[c][n / 2] : (values[c][n / 2 - 1] + values[c][n / 2]) / 2;
        }
        return NamedColour.nearest(median);
    }

    /** Coverage-weighted mean RGB. */
    static float[] mean(RgbImage image, Mask weights) {
        double[] sum = new double[3];
        double total = 0;
        for (int i = 0; i < image.pixelCount(); i++) {
            float w = weights.at(i);
            if (w > 0) {
                for (int c = 0; c < 3; c++) {
                    sum[c] += w * image.value(c, i);
                }
                total += w;
            }
        }
        return new float[] {(float) (sum[0] / total), (float) (sum[1] / total), (float) (sum[2] / total)};
    }

    static void requireSameSize(RgbImage image, Mask mask) {
        if (image.width() != mask.width() || image.height() != mask.height()) {
            throw new IllegalArgumentException("a " + mask.width() + "×" + mask.height() + " mask on a "
                    + image.width() + "×" + image.height() + " image");
        }
    }
}
