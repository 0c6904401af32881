package io.recaption.artifacts;

/**
 * Separable bicubic resampling (Keys' kernel, a = −0.5) with the kernel widened by the scale when
 * shrinking, so downscaling averages instead of aliasing — the way PIL's {@code Image.resize(BICUBIC)}
 * works, which is how the reference prepared its input images.
 */
final class Resampler {

    private Resampler() {}

    private static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    /** planes[c][y·w + x] of size w×h → size outW×outH, values clamped to [0, 255]. */
    static float[][] bicubic(float[][] planes, int w, int h, int outW, int outH) {
        float[][] out = new float[planes.length][];
        for (int c = 0; c < planes.length; c++) {
            float[] horizontal = pass(planes[c], w, h, outW, true);
            out[c] = pass(horizontal, outW, h, outH, false);
        }
        return out;
    }

    /** One axis: resample rows (horizontal) or columns to {@code outLength}. */
    private static float[] pass(float[] in, int w, int h, int outLength, boolean horizontal) {
        int inLength = horizontal ? w : h;
        int lines = horizontal ? h : w;
        double scale = (double) inLength / outLength;
        double support = 2 * Math.max(scale, 1);
        double filterScale = Math.max(scale, 1);
        float[] out = new float[horizontal ? outLength * h : w * outLength];
        for (int o = 0; o < outLength; o++) {
            double center = (o + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(inLength, (int) Math.ceil(center + support));
            double[] weights = new double[hi - lo];
            double total = 0;
            for (int i = lo; i < hi; i++) {
                double weight = cubic((i + 0.5 - center) / filterScale);
                weights[i - lo] = weight;
                total += weight;
            }
            for (int line = 0; line < lines; line++) {
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    int index = horizontal ? line * w + i : i * w + line;
                    sum += in[index] * weights[i - lo];
                }
                float value = (float) Math.max(0, Math.min(255, sum / total));
                out[horizontal ? line * outLength + o : o * w + line] = value;
            }
        }
        return out;
    }
}
