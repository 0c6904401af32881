package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code invert} and {@code edit} with an SDXL snapshot (the tiny SDXL fixture, in the published layout): the photo
 * inverted, an edit rendered from the inversion, and that inversion refused by another model (issue 22).
 */
@Tag("unit")
class SdxlCommandsTest {

    @TempDir
    Path dir;

    private record Run(int code, String out) {}

    @Test
    void invertThenEditWithAnSdxlSnapshot() throws Exception {
        Path photo = Fixtures.referenceSdxl().resolve("chelsea-128.png");
        Path inversion = dir.resolve("inversion");
        Run inverted = run(new InvertCommand(), "--model", Fixtures.tinySdxl().toString(), "--image", photo.toString(),
                "--caption", "a cat sitting next to a mirror", "--steps", "3", "--inner-steps", "2", "--out",
                inversion.toString());
        assertEquals(0, inverted.code(), inverted.out());
        JsonNode manifest = new ObjectMapper().readTree(inversion.resolve("manifest.json").toFile());
        assertEquals(128, manifest.path("imageSize").asInt());
        assertEquals("stable-diffusion-xl", manifest.path("model").path("family").asText(), manifest.toString());
        assertEquals(io.recaption.pipeline.ModelFamily.STABLE_DIFFUSION,
                io.recaption.pipeline.ModelIdentity.of(Fixtures.tinySd(), null).family());
        assertEquals(128, ImageIO.read(inversion.resolve("reconstruction.png").toFile()).getWidth());

        Path edited = dir.resolve("dog.png");
        Run edit = run(new EditCommand(), "--model", Fixtures.tinySdxl().toString(), "--inversion", inversion.toString(),
                "--caption", "a dog sitting next to a mirror", "--emphasis", "dog=0.5", "--out", edited.toString());
        assertEquals(0, edit.code(), edit.out());
        BufferedImage image = ImageIO.read(edited.toFile());
        assertEquals(128, image.getWidth());
        assertTrue(edit.out().contains("\"editType\" : \"replace\"") || edit.out().contains("\"editType\":\"replace\""),
                edit.out());

        Run other = run(new EditCommand(), "--model", Fixtures.tinySd().toString(), "--inversion", inversion.toString(),
                "--caption", "a dog sitting next to a mirror", "--out", dir.resolve("x.png").toString());
        assertNotEquals(0, other.code(), "an SDXL inversion edited with an SD model: " + other.out());
        assertTrue(other.out().contains("the inversion was made by model"), other.out());
    }

    /** Runs a command in this JVM, its standard output captured (the commands print with System.out). */
    private static Run run(Callable<Integer> command, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            CommandLine line = new CommandLine(command);
            java.io.StringWriter err = new java.io.StringWriter();
            line.setErr(new java.io.PrintWriter(err));
            int code = line.execute(args);
            out.flush();
            return new Run(code, captured.toString(StandardCharsets.UTF_8) + err);
        } finally {
            System.setOut(saved);
        }
    }
}
