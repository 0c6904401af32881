package io.recaption.lab.shapes;

import java.awt.image.BufferedImage;

/**
 * An RGB image as float planes in [0, 1]: {@code pixels[c·H·W + y·W + x]} for channel c (red,
 * green, blue). Records compare arrays by identity; compare pixels with {@code Arrays.equals}.
 */
public record RgbImage(int width, int height, float[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0 || pixels.length != 3 * width * height) {
            throw new IllegalArgumentException(pixels.length + " values for a " + width + "×" + height + " RGB image");
        }
    }

    public int pixelCount() {
        return width * height;
    }

    /** Channel c of pixel i (i = y·W + x). */
    public float value(int c, int i) {
        return pixels[c * width * height + i];
    }

    /** Pixel i as a fresh {r, g, b}. */
    public float[] rgb(int i) {
        int plane = width * height;
        return new float[] {pixels[i], pixels[plane + i], pixels[2 * plane + i]};
    }

    /** Euclidean RGB distance of pixel i from {@code rgb}. */
    public double distance(int i, float[] rgb) {
        int plane = width * height;
        double dr = pixels[i] - rgb[0];
        double dg = pixels[plane + i] - rgb[1];
        double db = pixels[2 * plane + i] - rgb[2];
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** 8-bit RGB, values clamped to [0, 1] and rounded. */
    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                out.setRGB(x, y, (to8Bit(pixels[i]) << 16) | (to8Bit(pixels[plane + i]) << 8) | to8Bit(pixels[2 * plane + i]));
            }
        }
        return out;
    }

    /** Any image's RGB (alpha dropped), value/255. */
    public static RgbImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] pixels = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int i = y * w + x;
                pixels[i] = ((rgb >> 16) & 0xFF) / 255f;
                pixels[w * h + i] = ((rgb >> 8) & 0xFF) / 255f;
                pixels[2 * w * h + i] = (rgb & 0xFF) / 255f;
            }
        }
        return new RgbImage(w, h, pixels);
    }

    private static int to8Bit(float value) {
        return Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
    }
}
