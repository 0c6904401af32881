package io.recaption.model.blip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.weights.WeightLoadException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Preprocessing: Pillow's bicubic bit for bit, both config layouts, grey images as PIL reads them. */
@Tag("conformance")
class BlipImageProcessorTest {

    @TempDir
    Path tmp;

    /** The resize-WxH.png files are Pillow's own output (make_resize_reference.py): shrinking, enlarging, one axis only. */
    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"40, 40", "96, 80", "64, 50", "23, 71", "384, 384"})
    void bicubicResizeEqualsPillowExactly(int width, int height) throws IOException {
        BufferedImage source = ImageIO.read(BlipFixtures.image().toFile());
        int[] expected = BlipImageProcessor.rgb(ImageIO.read(BlipFixtures.root().resolve(
                "resize-" + width + "x" + height + ".png").toFile()));
        int[] actual = PilBicubic.resize(BlipImageProcessor.rgb(source), source.getWidth(), source.getHeight(), 3, width,
                height);
        int worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("conformance PIL bicubic 64×64 → %d×%d: max level difference %d%n", width, height, worst);
        assertArrayEquals(expected, actual);
    }

    @Test
    void aResizedImageIsNormalisedLikeTheReference() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            BufferedImage image = ImageIO.read(BlipFixtures.image().toFile());
            BlipImageProcessor processor = BlipImageProcessor.load(BlipFixtures.model());
            NDArray direct = processor.preprocess(image, manager);
            // enlarged then shrunk back by the processor: still [1, 3, 64, 64], same statistics to within resampling
            BufferedImage large = ImageIO.read(BlipFixtures.root().resolve("resize-96x80.png").toFile());
            NDArray resized = processor.preprocess(large, manager);
            assertEquals(new Shape(1, 3, 64, 64), resized.getShape());
            double meanShift = Math.abs(direct.mean().getFloat() - resized.mean().getFloat());
            System.out.printf("96×80 → 64×64: mean shift %.4f (normalised units)%n", meanShift);
            assertTrue(meanShift < 0.05, "mean shift " + meanShift);
        }
    }

    @Test
    void theTransformers5ProcessorConfigLayoutReadsTheSame() throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("t5"), BlipImageProcessorConfig.PREPROCESSOR_FILE);
        String nested = Files.readString(BlipFixtures.model().resolve(BlipImageProcessorConfig.PREPROCESSOR_FILE));
        Files.writeString(snapshot.resolve(BlipImageProcessorConfig.PROCESSOR_FILE),
                "{\"image_processor\": " + nested + ", \"processor_class\": \"BlipProcessor\"}");
        BlipImageProcessorConfig hub = BlipImageProcessorConfig.read(BlipFixtures.model());
        BlipImageProcessorConfig t5 = BlipImageProcessorConfig.read(snapshot);
        assertEquals(hub.toString().replaceAll("\\[D@[0-9a-f]+", ""), t5.toString().replaceAll("\\[D@[0-9a-f]+", ""));
        assertArrayEquals(hub.imageMean(), t5.imageMean());
        assertArrayEquals(hub.imageStd(), t5.imageStd());
        assertEquals(64, t5.height());
    }

    @Test
    void aSnapshotWithoutAPreprocessorConfigOrWithAnotherFilterIsRefused() throws IOException {
        Path none = BlipFixtures.copyModel(tmp.resolve("none"), BlipImageProcessorConfig.PREPROCESSOR_FILE);
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> BlipImageProcessorConfig.read(none));
        assertTrue(e.getMessage().contains(BlipImageProcessorConfig.PROCESSOR_FILE), e.getMessage());
        Path bilinear = BlipFixtures.copyModel(tmp.resolve("bilinear"), BlipImageProcessorConfig.PREPROCESSOR_FILE);
        Files.writeString(bilinear.resolve(BlipImageProcessorConfig.PREPROCESSOR_FILE),
                Files.readString(BlipFixtures.model().resolve(BlipImageProcessorConfig.PREPROCESSOR_FILE))
                        .replace("\"resample\": 3", "\"resample\": 2"));
        e = assertThrows(WeightLoadException.class, () -> BlipImageProcessorConfig.read(bilinear));
        assertTrue(e.getMessage().contains("resample 2"), e.getMessage());
    }

    /** PIL's convert("RGB") copies L into R, G and B; Java's getRGB would colour-manage the grey and brighten it. */
    @Test
    void greyImagesAreReplicatedNotColourManaged() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 64);
        grey.getRaster().setSample(1, 0, 0, 200);
        assertArrayEquals(new int[] {64, 64, 64, 200, 200, 200}, BlipImageProcessor.rgb(grey));
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x10203040); // alpha 0x10 is dropped, not composited
        assertArrayEquals(new int[] {0x20, 0x30, 0x40}, BlipImageProcessor.rgb(argb));
    }
}
