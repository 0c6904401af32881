package io.recaption.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.SceneRenderer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The editor's sample scenes are the shapes world's own renderings of their captions (so the bundled model knows
 * them and the detectors could read them): each bundled PNG equals the renderer's image of its caption, pixel for
 * pixel. {@code -Drecaption.samples.write=true} (re)writes them from samples.json.
 */
@Tag("unit")
class SampleScenesTest {

    static final Path SAMPLES = Path.of("src/main/resources/META-INF/resources/assets/samples");

    @Test
    void everySampleIsTheRenderingOfItsCaption() throws IOException {
        JsonNode samples = new ObjectMapper().readTree(SAMPLES.resolve("samples.json").toFile());
        assertTrue(samples.size() >= 3, "a few samples");
        SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
        for (JsonNode sample : samples) {
            String caption = sample.path("caption").asText();
            BufferedImage expected = renderer.render(CaptionGrammar.parse(caption)).image().toBufferedImage();
            Path file = SAMPLES.resolve(sample.path("file").asText());
            if (Boolean.getBoolean("recaption.samples.write")) {
                ImageIO.write(expected, "png", file.toFile());
            }
            assertTrue(Files.isRegularFile(file), "bundled " + file);
            BufferedImage bundled = ImageIO.read(file.toFile());
            assertNotNull(bundled, file + " decodes");
            assertEquals(expected.getWidth(), bundled.getWidth(), file.toString());
            for (int y = 0; y < expected.getHeight(); y++) {
                for (int x = 0; x < expected.getWidth(); x++) {
                    assertEquals(expected.getRGB(x, y) & 0xffffff, bundled.getRGB(x, y) & 0xffffff,
                            file + " at " + x + "," + y + " is not the rendering of \"" + caption + "\"");
                }
            }
        }
    }
}
