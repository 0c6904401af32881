package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Path;

/**
 * transformers' {@code BlipImageProcessor} (its PIL backend): an image → the vision tower's
 * {@code pixel_values} [1, 3, H, W]. The steps and their arithmetic are the reference's:
 * <ol>
 *   <li>RGB: alpha dropped, not composited (PIL's {@code convert("RGB")}); grey replicated;</li>
 *   <li>resize to the configured height × width with Pillow's 8-bit bicubic ({@link PilBicubic}),
 *       the aspect ratio not kept (BLIP squashes); an image already at that size is untouched;</li>
 *   <li>rescale: float32(value · rescale_factor), the product taken in double as numpy does;</li>
 *   <li>normalize: (x − mean) / std per channel in float32.</li>
 * </ol>
 * The image is taken as decoded: EXIF orientation is the caller's business (transformers ignores it).
 */
public final class BlipImageProcessor {

    private final BlipImageProcessorConfig config;

    public BlipImageProcessor(BlipImageProcessorConfig config) {
        this.config = config;
    }

    public static BlipImageProcessor load(Path snapshotDir) {
        return new BlipImageProcessor(BlipImageProcessorConfig.read(snapshotDir));
    }

    /** image → pixel values [1, 3, H, W] float32 in {@code manager}. */
    public NDArray preprocess(BufferedImage image, NDManager manager) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = rgb(image); // [y][x][c], 0…255
        int outW = w;
        int outH = h;
        if (config.doResize()) {
            outW = config.width();
            outH = config.height();
            rgb = PilBicubic.resize(rgb, w, h, 3, outW, outH);
        }
        double[] mean = config.imageMean();
        double[] std = config.imageStd();
        float[] planes = new float[3 * outH * outW];
        int plane = outH * outW;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float value = config.doRescale() ? (float) (rgb[i * 3 + c] * config.rescaleFactor()) : rgb[i * 3 + c];
                if (config.doNormalize()) {
                    value = (value - (float) mean[c]) / (float) std[c];
                }
                planes[c * plane + i] = value;
            }
        }
        return manager.create(planes, new Shape(1, 3, outH, outW));
    }

    public BlipImageProcessorConfig config() {
        return config;
    }

    /**
     * Interleaved 8-bit RGB. Grey images (with or without alpha) are read from the raster, since
     * {@code getRGB} would colour-manage Java's linear grey space and brighten them; PIL copies L to R, G, B.
     */
    static int[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h * 3];
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && raster.getSampleModel().getSampleSize(0) == 8;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                if (grey) {
                    int v = raster.getSample(x, y, 0);
                    out[i] = v;
                    out[i + 1] = v;
                    out[i + 2] = v;
                } else {
                    int p = image.getRGB(x, y);
                    out[i] = (p >> 16) & 0xFF;
                    out[i + 1] = (p >> 8) & 0xFF;
                    out[i + 2] = p & 0xFF;
                }
            }
        }
        return out;
    }
}
