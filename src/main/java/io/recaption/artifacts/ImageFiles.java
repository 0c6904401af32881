package io.recaption.artifacts;

import io.recaption.diffusion.Refusal;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.diffusion.InputRejectedException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Photos in and out: decoding with clear refusals (empty, not an image, decompression bombs —
 * the pixel count is read from the header before any pixel is decoded), EXIF orientation, alpha
 * dropped, center crop and resize to the model's square size, and PNG encoding of results.
 */
public final class ImageFiles {

    /** Limits on what is decoded. */
    public record Limits(long maxBytes, long maxPixels) {
        public static Limits defaults() {
            return new Limits(50L * 1024 * 1024, 40_000_000L);
        }
    }

    private ImageFiles() {}

    /** What an image's header declares. */
    public record Header(int width, int height, String format) {}

    /**
     * Reads only the header of an image file: refuses an empty file, anything that is not an image in a
     * supported format, and more pixels than the limit (a decompression bomb declares a huge canvas in a
     * few bytes) — before any pixel is decoded.
     */
    public static Header inspect(Path file, Limits limits) {
        try {
            if (Files.size(file) == 0) {
                throw new InputRejectedException(Refusal.EMPTY_IMAGE, "the image is empty (0 bytes)");
            }
            try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
                return withReader(input, limits, (reader, header) -> header);
            }
        } catch (IOException e) {
            throw new InputRejectedException(Refusal.NOT_AN_IMAGE, "the image cannot be read (corrupt or truncated)", e);
        }
    }

    /** Decodes PNG, JPEG, BMP, GIF (and WebP where an ImageIO plugin is present), upright, RGB. */
    public static BufferedImage decode(byte[] bytes, Limits limits) {
        if (bytes == null || bytes.length == 0) {
            throw new InputRejectedException(Refusal.EMPTY_IMAGE, "the image is empty (0 bytes)");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new InputRejectedException(Refusal.IMAGE_TOO_LARGE, "the image has " + bytes.length
                    + " bytes; at most " + limits.maxBytes() + " are accepted");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            BufferedImage image = withReader(input, limits, (reader, header) -> reader.read(0));
            return ExifOrientation.apply(toRgb(image), ExifOrientation.read(bytes));
        } catch (IOException e) {
            throw new InputRejectedException(Refusal.NOT_AN_IMAGE, "the image cannot be decoded (corrupt or truncated)", e);
        }
    }

    private interface ReaderAction<T> {
        T apply(ImageReader reader, Header header) throws IOException;
    }

    /** Finds a reader, checks the declared size against the limits, then runs {@code action}. */
    private static <T> T withReader(ImageInputStream input, Limits limits, ReaderAction<T> action) {
        Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
        if (readers == null || !readers.hasNext()) {
            throw new InputRejectedException(Refusal.NOT_AN_IMAGE, "the data is not an image in a supported format"
                    + " (PNG, JPEG, BMP, GIF" + (webpSupported() ? ", WebP" : "; WebP needs an ImageIO plugin")
                    + ")");
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(input, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new InputRejectedException(Refusal.NOT_AN_IMAGE, "the image has no pixels");
            }
            if ((long) width * height > limits.maxPixels()) {
                throw new InputRejectedException(Refusal.IMAGE_TOO_LARGE, "the image is " + width + "×" + height
                        + " pixels; at most " + limits.maxPixels() + " pixels are decoded");
            }
            return action.apply(reader, new Header(width, height, reader.getFormatName()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputRejectedException rejected) {
                throw rejected;
            }
            // ImageIO readers throw unchecked exceptions on some corrupt files as well
            throw new InputRejectedException(Refusal.NOT_AN_IMAGE, "the image cannot be decoded (corrupt or truncated)", e);
        } finally {
            reader.dispose();
        }
    }

    private static boolean webpSupported() {
        return ImageIO.getImageReadersByFormatName("webp").hasNext();
    }

    /** Any decoded image → 8-bit RGB without alpha (alpha is dropped, not composited, as PIL's convert("RGB")). */
    static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.setRGB(x, y, image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return out;
    }

    /**
     * The model's input: the largest centred square, resized to {@code size} (an image already at
     * that size is used unchanged), as [1, 3, size, size] in [−1, 1] (x/127.5 − 1, the reference's scaling).
     */
    public static NDArray toPixels(BufferedImage image, int size, NDManager manager) {
        int w = image.getWidth();
        int h = image.getHeight();
        int side = Math.min(w, h);
        BufferedImage square = image.getSubimage((w - side) / 2, (h - side) / 2, side, side);
        float[][] planes = side == size ? planes(square) : Resampler.bicubic(planes(square), side, side, size, size);
        float[] flat = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < size * size; i++) {
                flat[c * size * size + i] = planes[c][i] / 127.5f - 1f;
            }
        }
        return manager.create(flat, new Shape(1, 3, size, size));
    }

    private static float[][] planes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] out = new float[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                out[0][y * w + x] = (rgb >> 16) & 0xFF;
                out[1][y * w + x] = (rgb >> 8) & 0xFF;
                out[2][y * w + x] = rgb & 0xFF;
            }
        }
        return out;
    }

    /** pixels [3, H, W] or [1, 3, H, W] in [−1, 1] → an RGB image, rounded as diffusers' postprocess. */
    public static BufferedImage toImage(NDArray pixels) {
        NDArray p = pixels.getShape().dimension() == 4 ? pixels.get(0) : pixels;
        int h = (int) p.getShape().get(1);
        int w = (int) p.getShape().get(2);
        float[] values = p.toFloatArray();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = to8Bit(values[y * w + x]);
                int g = to8Bit(values[h * w + y * w + x]);
                int b = to8Bit(values[2 * h * w + y * w + x]);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static int to8Bit(float value) {
        float unit = Math.max(0f, Math.min(1f, value / 2f + 0.5f));
        return Math.round(unit * 255f);
    }

    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding failed", e);
        }
    }

    /** PSNR in dB of two images of equal size (8-bit RGB). */
    public static double psnr(BufferedImage a, BufferedImage b) {
        double sum = 0;
        long n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    double d = ((p >> shift) & 0xFF) - ((q >> shift) & 0xFF);
                    sum += d * d;
                    n++;
                }
            }
        }
        double mse = sum / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
