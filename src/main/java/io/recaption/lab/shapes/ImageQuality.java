package io.recaption.lab.shapes;

/**
 * Reconstruction quality of two images of the same size, over the whole image or weighted by a mask
 * (e.g. the complement of an edited shape's mask: the "kept region").
 *
 * <p>PSNR: data range 1, over all three channels. SSIM (Wang et al. 2004, eq. 13): computed per RGB
 * channel with an 11×11 Gaussian window (σ = 1.5), K1 = 0.01, K2 = 0.03, L = 1, population
 * (not sample) covariances, and the per-pixel SSIM maps averaged over the channels; the windows are
 * completed at the border by reflection (…c b a | a b c…). This is scikit-image's
 * {@code structural_similarity(a, b, channel_axis=…, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=1)} map; the mean here is over every pixel (scikit-image
 * drops a 5-pixel border), so masks can weigh border pixels too. A masked SSIM is the mask-weighted
 * mean of that map; windows near the mask's edge see pixels beyond it, so callers who want windows
 * wholly inside should shrink the mask (e.g. dilate the edited shape by 5 pixels before the complement).
 */
public final class ImageQuality {

    private static final double SIGMA = 1.5;
    private static final int RADIUS = 5;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;

    private ImageQuality() {}

    /** PSNR in dB over the whole image; +∞ for identical images. */
    public static double psnr(RgbImage a, RgbImage b) {
        return psnr(a, b, full(a));
    }

    /** PSNR in dB of the mask-weighted mean squared error; NaN if the mask is empty. */
    public static double psnr(RgbImage a, RgbImage b, Mask weights) {
        requireComparable(a, b, weights);
        int plane = a.pixelCount();
        double sum = 0;
        double total = 0;
        for (int i = 0; i < plane; i++) {
            float w = weights.at(i);
            if (w > 0) {
                for (int c = 0; c < 3; c++) {
                    double d = a.value(c, i) - b.value(c, i);
                    sum += w * d * d;
                }
                total += 3 * w;
            }
        }
        if (total == 0) {
            return Double.NaN;
        }
        double mse = sum / total;
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    /** Mean SSIM over the whole image; 1 for identical images. */
    public static double ssim(RgbImage a, RgbImage b) {
        return ssim(a, b, full(a));
    }

    /** Mask-weighted mean of the SSIM map; NaN if the mask is empty. */
    public static double ssim(RgbImage a, RgbImage b, Mask weights) {
        requireComparable(a, b, weights);
        float[] map = ssimMap(a, b);
        double sum = 0;
        double total = 0;
        for (int i = 0; i < map.length; i++) {
            sum += weights.at(i) * map[i];
            total += weights.at(i);
        }
        return total == 0 ? Double.NaN : sum / total;
    }

    /** Per-pixel SSIM, averaged over the RGB channels. */
    public static float[] ssimMap(RgbImage a, RgbImage b) {
        requireComparable(a, b, full(a));
        int w = a.width();
        int h = a.height();
        int plane = w * h;
        double[] kernel = gaussianKernel();
        float[] map = new float[plane];
        for (int c = 0; c < 3; c++) {
            double[] x = new double[plane];
            double[] y = new double[plane];
            double[] xx = new double[plane];
            double[] yy = new double[plane];
            double[] xy = new double[plane];
            for (int i = 0; i < plane; i++) {
                x[i] = a.value(c, i);
                y[i] = b.value(c, i);
                xx[i] = x[i] * x[i];
                yy[i] = y[i] * y[i];
                xy[i] = x[i] * y[i];
            }
            double[] mx = blur(x, w, h, kernel);
            double[] my = blur(y, w, h, kernel);
            double[] sxx = blur(xx, w, h, kernel);
            double[] syy = blur(yy, w, h, kernel);
            double[] sxy = blur(xy, w, h, kernel);
            for (int i = 0; i < plane; i++) {
                double vx = sxx[i] - mx[i] * mx[i];
                double vy = syy[i] - my[i] * my[i];
                double cov = sxy[i] - mx[i] * my[i];
                double s = (2 * mx[i] * my[i] + C1) * (2 * cov + C2)
                        / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
                map[i] += (float) (s / 3);
            }
        }
        return map;
    }

    /** The normalised 11-tap Gaussian, σ = 1.5 (scipy's truncate = 3.5 gives the same radius 5). */
    private static double[] gaussianKernel() {
        double[] k = new double[2 * RADIUS + 1];
        double sum = 0;
        for (int i = -RADIUS; i <= RADIUS; i++) {
            k[i + RADIUS] = Math.exp(-i * i / (2 * SIGMA * SIGMA));
            sum += k[i + RADIUS];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Separable Gaussian blur with half-sample symmetric reflection at the border. */
    private static double[] blur(double[] v, int w, int h, double[] kernel) {
        double[] rows = new double[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    s += kernel[k + RADIUS] * v[y * w + reflect(x + k, w)];
                }
                rows[y * w + x] = s;
            }
        }
        double[] out = new double[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    s += kernel[k + RADIUS] * rows[reflect(y + k, h) * w + x];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    /** scipy.ndimage's 'reflect': −1 → 0, −2 → 1, n → n − 1 (repeated for windows wider than the image). */
    private static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    private static Mask full(RgbImage image) {
        return Mask.empty(image.width(), image.height()).complement();
    }

    private static void requireComparable(RgbImage a, RgbImage b, Mask weights) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("images of different sizes: " + a.width() + "×" + a.height()
                    + " and " + b.width() + "×" + b.height());
        }
        ColourDetector.requireSameSize(a, weights);
    }
}
