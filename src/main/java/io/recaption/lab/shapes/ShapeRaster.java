package io.recaption.lab.shapes;

/**
 * One shape's anti-aliased coverage on a pixel grid: each pixel the fraction of a grid×grid array of
 * point samples inside the shape. Only the pixels of the shape's bounding box are sampled.
 */
final class ShapeRaster {

    private ShapeRaster() {}

    /**
     * Coverage of a {@code kind} whose bounding box, {@code side} pixels wide, is centred at
     * ({@code centreX}, {@code centreY}) in pixel units (pixel x spans [x, x + 1]).
     */
    static float[] coverage(ShapeKind kind, double centreX, double centreY, double side, int width, int height, int grid) {
        float[] out = new float[width * height];
        int x0 = Math.max(0, (int) Math.floor(centreX - side / 2));
        int x1 = Math.min(width - 1, (int) Math.floor(centreX + side / 2));
        int y0 = Math.max(0, (int) Math.floor(centreY - side / 2));
        int y1 = Math.min(height - 1, (int) Math.floor(centreY + side / 2));
        float samples = grid * grid;
        for (int py = y0; py <= y1; py++) {
            for (int px = x0; px <= x1; px++) {
                int hits = 0;
                for (int sy = 0; sy < grid; sy++) {
                    double v = (py + (sy + 0.5) / grid - centreY) / side;
                    for (int sx = 0; sx < grid; sx++) {
                        double u = (px + (sx + 0.5) / grid - centreX) / side;
                        hits += kind.contains(u, v) ? 1 : 0;
                    }
                }
                out[py * width + px] = hits / samples;
            }
        }
        return out;
    }
}
