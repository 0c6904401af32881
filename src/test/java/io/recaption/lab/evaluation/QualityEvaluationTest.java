package io.recaption.lab.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.artifacts.ImageFiles;
import io.recaption.lab.snapshots.RandomSnapshot;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation on a random-weight shapes snapshot: every key, sane ranges, the right references, the sheet. */
@Tag("unit")
class QualityEvaluationTest {

    private static final int IMAGES = 2;

    @TempDir
    static Path dir;
    static Path model;
    static EvaluationSettings settings;
    static QualityReport report;
    static JsonNode json;

    @BeforeAll
    static void evaluate() throws Exception {
        model = dir.resolve("model");
        RandomSnapshot.write(model, RandomSnapshot.Preset.shapes(), 4);
        settings = EvaluationSettings.defaults().withSeed(9).withImages(IMAGES).withSteps(3).withInnerSteps(1);
        try (StableDiffusion loaded = StableDiffusion.load(model)) {
            report = new QualityEvaluation(loaded, settings).run(System.out::println);
        }
        report.write(dir.resolve("out"));
        json = new ObjectMapper().readTree(dir.resolve("out/quality.json").toFile());
        System.out.print(report.toMarkdown());
    }

    @Test
    void qualityJsonHasEveryKeyWithNumbersInRange() {
        assertEquals(IMAGES, json.get("N").asInt());
        assertEquals(9, json.get("seed").asLong());
        assertTrue(json.get("seconds").asDouble() > 0);
        assertEquals(3, json.get("settings").get("steps").asInt());
        assertNotNull(json.get("model").asText());
        for (String method : QualityReport.METHODS) {
            JsonNode m = json.get("reconstruction").get(method);
            assertNotNull(m, method);
            double psnr = m.get("psnr").asDouble();
            double ssim = m.get("ssim").asDouble();
            assertTrue(m.get("psnr").isNumber() && psnr > 0 && psnr < 100, method + " psnr " + psnr);
            assertTrue(m.get("ssim").isNumber() && ssim >= -1 && ssim <= 1, method + " ssim " + ssim);
        }
        for (String source : QualityReport.INVERSIONS) {
            JsonNode cost = json.get("costs").get(source);
            assertTrue(cost.get("unetForwards").asLong() > 0 && cost.get("seconds").asDouble() > 0, source + cost);
            assertTrue(cost.get("peakRssMb").asLong() > 0, source + cost);
            // only the optimizing methods run the UNet backwards, at most once per inner step (early stop)
            long backwards = cost.get("unetBackwards").asLong();
            if (source.equals("nullText") || source.equals("globalNullText")) {
                assertTrue(backwards > 0 && backwards <= settings.steps() * settings.innerSteps(), source + cost);
            } else {
                assertEquals(0, backwards, source);
            }
            for (EditKind kind : EditKind.values()) {
                JsonNode k = json.get("edits").get(source).get(kind.key());
                assertNotNull(k, source + "." + kind.key());
                checkEdit(source + "." + kind.key(), k);
                checkEdit(source + "." + kind.key() + ".localBlend", k.get("localBlend"));
            }
        }
        for (String key : new String[] {"match", "background", "colour", "shape"}) {
            double rate = json.get("textToImage").get(key).asDouble();
            assertTrue(json.get("textToImage").get(key).isNumber() && rate >= 0 && rate <= 1, key + " " + rate);
        }
        assertTrue(json.get("textToImage").get("match").asDouble() <= json.get("textToImage").get("shape").asDouble(),
                "a match needs every kind");
        assertEquals(IMAGES, json.get("images").size());
    }

    private static void checkEdit(String name, JsonNode node) {
        double success = node.get("success").asDouble();
        assertTrue(node.get("success").isNumber() && success >= 0 && success <= 1, name + " success " + success);
        // success is a share of IMAGES judgements
        assertEquals(0, Math.abs(success * IMAGES - Math.round(success * IMAGES)), 1e-9, name);
        assertTrue(node.get("keptPsnr").isNumber() && node.get("keptPsnr").asDouble() > 0, name + " keptPsnr");
        double ssim = node.get("keptSsim").asDouble();
        assertTrue(node.get("keptSsim").isNumber() && ssim >= -1 && ssim <= 1, name + " keptSsim " + ssim);
        assertEquals(IMAGES, node.get("count").asInt(), name);
    }

    /** The vae row is the PSNR of decode(encode(input)) against that image's own input, recomputed here. */
    @Test
    void vaePsnrIsMeasuredAgainstTheImagesOwnInput() throws Exception {
        try (StableDiffusion loaded = StableDiffusion.load(model); NDManager manager = NDManager.newBaseManager()) {
            QualityEvaluation evaluation = new QualityEvaluation(loaded, settings);
            double sum = 0;
            for (int i = 0; i < IMAGES; i++) {
                RenderedScene scene = evaluation.scene(i);
                assertEquals(scene.caption(), json.get("images").get(i).get("caption").asText());
                BufferedImage inputImage = scene.image().toBufferedImage();
                NDArray pixels = ImageFiles.toPixels(inputImage, loaded.imageSize(), manager);
                RgbImage decoded = RgbImage.of(ImageFiles.toImage(loaded.decode(loaded.encode(pixels))));
                QualityReport.Score own = QualityEvaluation.score(RgbImage.of(inputImage), decoded);
                JsonNode stored = json.get("images").get(i).get("reconstruction").get("vae");
                assertEquals(own.psnr(), stored.get("psnr").asDouble(), 1e-3, "image " + i);
                assertEquals(own.ssim(), stored.get("ssim").asDouble(), 1e-4, "image " + i);
                // and not against another image's input
                RgbImage other = QualityEvaluation.input(evaluation.scene(i + 1));
                assertTrue(Math.abs(QualityEvaluation.score(other, decoded).psnr() - own.psnr()) > 1e-3);
                sum += own.psnr();
            }
            assertEquals(sum / IMAGES, json.get("reconstruction").get("vae").get("psnr").asDouble(), 1e-3, "mean");
        }
    }

    @Test
    void contactSheetAndMarkdownAreWritten() throws Exception {
        BufferedImage sheet = ImageIO.read(dir.resolve("out/contact-sheet.png").toFile());
        int rows = Math.min(IMAGES, settings.sheetRows());
        assertEquals(ContactSheet.extent(QualityEvaluation.SHEET_COLUMNS, 64), sheet.getWidth());
        assertEquals(ContactSheet.HEADER + ContactSheet.extent(rows, 64), sheet.getHeight());
        // every column is named in the band above the first row: some of its pixels are not the grey ground
        int grey = java.awt.Color.GRAY.getRGB();
        for (int c = 0; c < QualityEvaluation.SHEET_COLUMNS; c++) {
            int left = ContactSheet.GAP + c * (64 + ContactSheet.GAP);
            int labelled = 0;
            for (int y = 0; y < ContactSheet.HEADER; y++) {
                for (int x = left; x < left + 64; x++) {
                    labelled += sheet.getRGB(x, y) != grey ? 1 : 0;
                }
            }
            assertTrue(labelled > 10, "column " + c + " (" + QualityEvaluation.SHEET_LABELS.get(c) + ") is labelled");
        }
        // the first cell is the first image's input, pixel for pixel
        BufferedImage input;
        try (StableDiffusion loaded = StableDiffusion.load(model)) {
            input = new QualityEvaluation(loaded, settings).scene(0).image().toBufferedImage();
        }
        for (int y = 0; y < 64; y += 7) {
            for (int x = 0; x < 64; x += 7) {
                assertEquals(input.getRGB(x, y), sheet.getRGB(ContactSheet.GAP + x, ContactSheet.HEADER + ContactSheet.GAP + y));
            }
        }
        String md = Files.readString(dir.resolve("out/quality.md"));
        assertTrue(md.contains("| method | PSNR (dB) | SSIM |"), md);
        for (String method : QualityReport.METHODS) {
            assertTrue(md.contains("| " + method + " | "), method);
        }
        for (EditKind kind : EditKind.values()) {
            assertTrue(md.contains("| " + kind.key() + " | "), kind.key());
        }
        assertTrue(md.contains("## Cost of one inversion") && md.contains("## Edits from each inversion"), md);
        for (String method : QualityReport.INVERSIONS) {
            assertTrue(md.contains(" " + method + " |"), method);
        }
    }

    @Test
    void refusesAModelOfAnotherImageSize(@TempDir Path other) throws Exception {
        RandomSnapshot.write(other, RandomSnapshot.Preset.tiny(), 1);
        try (StableDiffusion loaded = StableDiffusion.load(other)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new QualityEvaluation(loaded, settings));
            assertTrue(e.getMessage().contains("64×64"), e.getMessage());
        }
    }
}
