package io.recaption.lab.shapes;

/**
 * How scenes become pixels: a {@code size}×{@code size} image, each pixel the mean of
 * {@code supersample}×{@code supersample} point samples (anti-aliasing; the masks' coverage comes in
 * steps of 1/supersample²).
 */
public record RenderSettings(int size, int supersample) {

    public RenderSettings {
        if (size < 16) {
            throw new IllegalArgumentException("images are at least 16 pixels wide, not " + size);
        }
        if (supersample < 1) {
            throw new IllegalArgumentException("supersample must be at least 1, not " + supersample);
        }
    }

    /** 64×64 pixels, 8×8 samples per pixel (4×4 misplaces an axis-aligned edge by up to 1/8 pixel: 3 % of a small square). */
    public static RenderSettings defaults() {
        return new RenderSettings(64, 8);
    }

    /** The shape's exact area in pixels (its kind's fraction of its box, times the box in pixels). */
    public double areaPixels(Shape shape) {
        double side = shape.size().side() * size;
        return shape.kind().areaFraction() * side * side;
    }
}
