package io.recaption.lab.shapes;

/**
 * A soft mask: per-pixel coverage in [0, 1] ({@code coverage[y·W + x]}), as the renderer's
 * anti-aliased shape masks. Records compare arrays by identity.
 */
public record Mask(int width, int height, float[] coverage) {

    public Mask {
        if (width <= 0 || height <= 0 || coverage.length != width * height) {
            throw new IllegalArgumentException(coverage.length + " values for a " + width + "×" + height + " mask");
        }
    }

    public static Mask empty(int width, int height) {
        return new Mask(width, height, new float[width * height]);
    }

    public float at(int i) {
        return coverage[i];
    }

    /** Σ coverage: the area in pixels. */
    public double area() {
        double sum = 0;
        for (float c : coverage) {
            sum += c;
        }
        return sum;
    }

    /** 1 where coverage ≥ {@code threshold}, else 0. */
    public Mask atLeast(float threshold) {
        float[] out = new float[coverage.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = coverage[i] >= threshold ? 1f : 0f;
        }
        return new Mask(width, height, out);
    }

    /** 1 wherever there is any coverage: with {@link #complement()}, the pixels the mask does not touch at all. */
    public Mask support() {
        return atLeast(Float.MIN_VALUE);
    }

    /** 1 − coverage. */
    public Mask complement() {
        float[] out = new float[coverage.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1f - coverage[i];
        }
        return new Mask(width, height, out);
    }

    /** Per-pixel maximum. */
    public Mask union(Mask other) {
        requireSameSize(other);
        float[] out = new float[coverage.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(coverage[i], other.coverage[i]);
        }
        return new Mask(width, height, out);
    }

    /** Maximum over each pixel's (2r+1)×(2r+1) neighbourhood: grows the mask by r pixels. */
    public Mask dilate(int radius) {
        return neighbourhood(radius, true);
    }

    /** Minimum over each pixel's (2r+1)×(2r+1) neighbourhood (outside the image counts as 0): shrinks by r pixels. */
    public Mask erode(int radius) {
        return neighbourhood(radius, false);
    }

    /** A square neighbourhood's max or min, separably: along rows, then along columns. */
    private Mask neighbourhood(int radius, boolean max) {
        float[] rows = new float[coverage.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                rows[y * width + x] = extreme(coverage, y * width, 1, x, width, radius, max);
            }
        }
        float[] out = new float[coverage.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out[y * width + x] = extreme(rows, x, width, y, height, radius, max);
            }
        }
        return new Mask(width, height, out);
    }

    /** The max or min of values[start + k·stride] for k within radius of at, in [0, n); beyond the image counts as 0. */
    private static float extreme(float[] values, int start, int stride, int at, int n, int radius, boolean max) {
        float value = max ? 0f : 1f;
        for (int k = at - radius; k <= at + radius; k++) {
            float c = k >= 0 && k < n ? values[start + k * stride] : 0f;
            value = max ? Math.max(value, c) : Math.min(value, c);
        }
        return value;
    }

    void requireSameSize(Mask other) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("a " + other.width + "×" + other.height + " mask with a "
                    + width + "×" + height + " one");
        }
    }
}
