package io.recaption.lab.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** PSNR and SSIM: identical, noisy and partly changed images, whole and masked; SSIM against a direct window sum. */
@Tag("unit")
class ImageQualityTest {

    private final SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
    private final RenderedScene scene = renderer.render(
            CaptionGrammar.parse("a big green circle at the left of a small white square on a purple background"));

    @Test
    void identicalImagesAreInfinitelyCloseAndPerfectlySimilar() {
        RgbImage image = scene.image();
        RgbImage copy = new RgbImage(image.width(), image.height(), image.pixels().clone());
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(image, copy));
        assertEquals(1.0, ImageQuality.ssim(image, copy), 1e-6);
        assertEquals(1.0, ImageQuality.ssim(image, copy, scene.masks().get(0)), 1e-6);
    }

    @Test
    void noiseLowersBothAsItGrows() {
        // mid-grey, so that the noise is not clipped: PSNR must be −20·log10(σ)
        float[] grey = new float[3 * 64 * 64];
        java.util.Arrays.fill(grey, 0.5f);
        RgbImage flat = new RgbImage(64, 64, grey);
        double previousPsnr = Double.POSITIVE_INFINITY;
        double previousSsim = 1;
        for (double sigma : new double[] {0.01, 0.05, 0.1}) {
            RgbImage noisy = Degrade.noise(flat, sigma, 1);
            double psnr = ImageQuality.psnr(flat, noisy);
            double ssim = ImageQuality.ssim(scene.image(), Degrade.noise(scene.image(), sigma, 2));
            System.out.printf("σ %.2f: PSNR %.2f dB (expected %.2f), SSIM on a scene %.4f%n", sigma, psnr,
                    -20 * Math.log10(sigma), ssim);
            assertEquals(-20 * Math.log10(sigma), psnr, 0.2);
            assertTrue(psnr < previousPsnr && ssim < previousSsim);
            assertTrue(ssim > 0 && ssim < 1);
            previousPsnr = psnr;
            previousSsim = ssim;
        }
    }

    @Test
    void maskedScoresSeeOnlyTheirRegion() {
        RenderedScene edited = renderer.render(scene.scene().withShape(0, s -> s.withColour(NamedColour.ORANGE)));
        Mask changed = scene.masks().get(0);
        Mask kept = changed.support().complement();
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(scene.image(), edited.image(), kept),
                "nothing changed outside the recoloured circle");
        double inside = ImageQuality.psnr(scene.image(), edited.image(), changed);
        double whole = ImageQuality.psnr(scene.image(), edited.image());
        System.out.printf("recoloured circle: PSNR inside %.2f dB, whole %.2f dB; SSIM inside %.4f, kept %.4f, "
                        + "kept beyond the window %.4f%n", inside, whole,
                ImageQuality.ssim(scene.image(), edited.image(), changed),
                ImageQuality.ssim(scene.image(), edited.image(), kept),
                ImageQuality.ssim(scene.image(), edited.image(), changed.dilate(5).support().complement()));
        assertTrue(inside < whole, "the error is all inside, so inside scores lower than the whole");
        assertTrue(ImageQuality.ssim(scene.image(), edited.image(), changed) < 0.9);
        assertTrue(ImageQuality.ssim(scene.image(), edited.image(), kept) < 1, "windows reach into the change");
        assertEquals(1.0, ImageQuality.ssim(scene.image(), edited.image(),
                changed.dilate(5).support().complement()), 1e-6, "windows wholly outside the change");
        assertTrue(Double.isNaN(ImageQuality.psnr(scene.image(), edited.image(), Mask.empty(64, 64))));
    }

    @Test
    void theSsimMapIsTheWindowedFormulaAtEveryPixel() {
        RgbImage a = scene.image();
        RgbImage b = Degrade.noise(a, 0.1, 3);
        float[] map = ImageQuality.ssimMap(a, b);
        for (int[] p : new int[][] {{0, 0}, {1, 63}, {20, 17}, {63, 40}, {32, 32}}) {
            double expected = 0;
            for (int c = 0; c < 3; c++) {
                expected += directSsim(a, b, c, p[0], p[1]) / 3;
            }
            assertEquals(expected, map[p[1] * 64 + p[0]], 1e-5, "pixel " + p[0] + "," + p[1]);
        }
        assertEquals(ImageQuality.ssim(a, b), ImageQuality.ssim(b, a), 1e-9, "symmetric");
    }

    /** Wang et al. eq. 13 by a direct 11×11 window sum, reflecting indices at the border. */
    private static double directSsim(RgbImage a, RgbImage b, int c, int x, int y) {
        double[] g = new double[11];
        double norm = 0;
        for (int k = -5; k <= 5; k++) {
            g[k + 5] = Math.exp(-k * k / (2 * 1.5 * 1.5));
            norm += g[k + 5];
        }
        double mx = 0;
        double my = 0;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int dy = -5; dy <= 5; dy++) {
            for (int dx = -5; dx <= 5; dx++) {
                double w = g[dx + 5] * g[dy + 5] / (norm * norm);
                int i = reflect(y + dy) * 64 + reflect(x + dx);
                double p = a.value(c, i);
                double q = b.value(c, i);
                mx += w * p;
                my += w * q;
                sxx += w * p * p;
                syy += w * q * q;
                sxy += w * p * q;
            }
        }
        double c1 = 1e-4;
        double c2 = 9e-4;
        return (2 * mx * my + c1) * (2 * (sxy - mx * my) + c2)
                / ((mx * mx + my * my + c1) * (sxx - mx * mx + syy - my * my + c2));
    }

    private static int reflect(int i) {
        return i < 0 ? -i - 1 : i > 63 ? 127 - i : i;
    }
}
