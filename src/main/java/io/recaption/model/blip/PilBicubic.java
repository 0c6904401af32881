package io.recaption.model.blip;

/**
 * Pillow's {@code Image.resize(size, Image.BICUBIC)} on 8-bit channels, bit for bit: the resize
 * that transformers' PIL-backed {@code BlipImageProcessor} applies (and that BLIP was trained
 * with, through torchvision's PIL resize).
 *
 * <p>As Pillow's {@code Resample.c}: Keys' cubic with a = −0.5; when shrinking, the kernel is
 * widened by the scale (support 2·scale) so the result averages instead of aliasing; each output
 * pixel's taps run from {@code (int)(centre − support + 0.5)} to {@code (int)(centre + support + 0.5)},
 * clipped to the image, with weights normalised to sum 1 and then rounded to fixed point with 22
 * fractional bits. Two separable passes, horizontal first, each rounding (add half, shift) and
 * clamping to 0…255 — the intermediate image is 8-bit too, which is why a float resampler differs
 * from Pillow by a level here and there. A pass whose size does not change is skipped, as in Pillow.
 */
final class PilBicubic {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private PilBicubic() {}

    /** Taps of one axis: for output i, input pixels {@code first[i]} … {@code first[i] + count[i] − 1}. */
    private record Taps(int[] first, int[] count, int[][] weights) {}

    /** Keys' cubic convolution kernel with a = −0.5 (Pillow's {@code bicubic_filter}). */
    private static double cubic(double x) {
        final double a = -0.5;
        double t = Math.abs(x);
        if (t < 1.0) {
            return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
        }
        if (t < 2.0) {
            return (((t - 5) * t + 8) * t - 4) * a;
        }
        return 0.0;
    }

    /** Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc} for inSize → outSize. */
    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int out = 0; out < outSize; out++) {
            double center = (out + 0.5) * scale;
            int min = Math.max(0, (int) (center - support + 0.5)); // C's (int) truncates toward zero
            int max = Math.min(inSize, (int) (center + support + 0.5)) - min;
            double[] k = new double[max];
            double total = 0.0;
            for (int x = 0; x < max; x++) {
                k[x] = cubic((x + min - center + 0.5) / filterScale);
                total += k[x];
            }
            int[] fixed = new int[max];
            for (int x = 0; x < max; x++) {
                double w = total != 0.0 ? k[x] / total : k[x];
                fixed[x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            first[out] = min;
            count[out] = max;
            weights[out] = fixed;
        }
        return new Taps(first, count, weights);
    }

    /**
     * Interleaved 8-bit pixels {@code [y][x][channel]} of size w×h → size outW×outH, the same layout.
     */
    static int[] resize(int[] pixels, int w, int h, int channels, int outW, int outH) {
        int[] image = pixels;
        int width = w;
        if (outW != w) {
            image = horizontal(image, width, h, channels, taps(w, outW), outW);
            width = outW;
        }
        if (outH != h) {
            image = vertical(image, width, h, channels, taps(h, outH), outH);
        }
        return image == pixels ? pixels.clone() : image;
    }

    private static int[] horizontal(int[] in, int w, int h, int channels, Taps taps, int outW) {
        int[] out = new int[outW * h * channels];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < channels; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < taps.count()[x]; t++) {
                        sum += in[(y * w + taps.first()[x] + t) * channels + c] * taps.weights()[x][t];
                    }
                    out[(y * outW + x) * channels + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static int[] vertical(int[] in, int w, int h, int channels, Taps taps, int outH) {
        int[] out = new int[w * outH * channels];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < taps.count()[y]; t++) {
                        sum += in[((taps.first()[y] + t) * w + x) * channels + c] * taps.weights()[y][t];
                    }
                    out[(y * w + x) * channels + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: the fixed-point sum (already offset by half) shifted down and clamped to a byte. */
    private static int clip8(int sum) {
        return Math.max(0, Math.min(255, sum >> PRECISION_BITS));
    }
}
