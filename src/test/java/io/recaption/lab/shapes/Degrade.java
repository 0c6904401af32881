package io.recaption.lab.shapes;

import java.util.Random;

/** Test degradations of rendered images: seeded Gaussian pixel noise, and Gaussian blur. */
final class Degrade {

    private Degrade() {}

    /** Adds N(0, σ²) per value, clamped to [0, 1] as an 8-bit image would be. */
    static RgbImage noise(RgbImage image, double sigma, long seed) {
        Random random = new Random(seed);
        float[] out = image.pixels().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.max(0, Math.min(1, out[i] + sigma * random.nextGaussian()));
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** Separable Gaussian blur of σ pixels (radius 3σ), edges clamped: a stand-in for a soft decoder. */
    static RgbImage blur(RgbImage image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double norm = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            norm += kernel[i + radius];
        }
        int w = image.width();
        int h = image.height();
        float[] out = new float[image.pixels().length];
        float[] rows = new float[w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int d = -radius; d <= radius; d++) {
                        s += kernel[d + radius] * image.value(c, y * w + Math.max(0, Math.min(w - 1, x + d)));
                    }
                    rows[y * w + x] = (float) (s / norm);
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int d = -radius; d <= radius; d++) {
                        s += kernel[d + radius] * rows[Math.max(0, Math.min(h - 1, y + d)) * w + x];
                    }
                    out[c * w * h + y * w + x] = (float) (s / norm);
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
