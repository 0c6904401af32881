package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RgbImage;
import io.recaption.lab.shapes.SceneCheck;
import io.recaption.lab.shapes.SceneDetector;
import io.recaption.lab.shapes.SceneRenderer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** shapes-sample writes what its captions say, the same for the same seed. */
@Tag("unit")
class ShapesSampleCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesPngsWhoseContentTheCaptionsDescribe() throws Exception {
        assertEquals(0, run("--seed", "5", "--count", "6", "--out", dir.resolve("a").toString()));
        assertEquals(0, run("--seed", "5", "--count", "6", "--out", dir.resolve("b").toString()));
        JsonNode root = new ObjectMapper().readTree(dir.resolve("a/scenes.json").toFile());
        assertEquals(6, root.get("scenes").size());
        assertEquals(CaptionGrammar.words().size(), root.get("words").size());
        SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
        for (JsonNode scene : root.get("scenes")) {
            Path png = dir.resolve("a").resolve(scene.get("image").asText());
            assertArrayEquals(Files.readAllBytes(png), Files.readAllBytes(dir.resolve("b").resolve(scene.get("image").asText())),
                    "same seed, same file");
            String caption = scene.get("caption").asText();
            SceneCheck check = SceneDetector.defaults().read(RgbImage.of(ImageIO.read(png.toFile())),
                    renderer.render(CaptionGrammar.parse(caption)));
            assertTrue(check.matches(), caption + ": " + check);
            assertEquals(check.shapes().size(), scene.get("shapes").size());
            for (JsonNode shape : scene.get("shapes")) {
                assertTrue(Files.exists(dir.resolve("a").resolve(shape.get("mask").asText())));
                assertEquals(shape.get("exactArea").asDouble(), shape.get("maskArea").asDouble(),
                        0.03 * shape.get("exactArea").asDouble());
            }
        }
    }

    @Test
    void refusesAnEmptyCount() {
        assertEquals(2, run("--count", "0", "--out", dir.toString()));
    }

    private static int run(String... args) {
        CommandLine command = new CommandLine(new RecaptionCommand());
        command.setErr(new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 1];
        all[0] = "shapes-sample";
        System.arraycopy(args, 0, all, 1, args.length);
        return command.execute(all);
    }
}
