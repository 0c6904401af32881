package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import io.recaption.artifacts.ImageFiles;
import io.recaption.model.blip.BlipModelIdentity;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.PhotoCaptioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code invert} without {@code --caption}: the tiny BLIP fixture captions the photo, the tiny SD inverts it with
 * that caption, and the manifest says the model wrote it and which model; without a captioner, a clear refusal.
 */
@Tag("unit")
class InvertWithoutCaptionTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    @Test
    void theCaptionerWritesTheCaptionTheManifestRecordsIt() throws Exception {
        Path photo = Fixtures.reference().resolve("chelsea-256.png");
        String expected;
        try (PhotoCaptioner captioner = PhotoCaptioner.load(blip(), ImageFiles.Limits.defaults())) {
            InversionCaption direct = captioner.caption(Files.readAllBytes(photo));
            expected = direct.text();
        }
        Path out = dir.resolve("inversion");
        Run run = run(Optional.empty(), "--model", Fixtures.tinySd().toString(), "--image", photo.toString(),
                "--captioner", blip().toString(), "--steps", "2", "--inner-steps", "1", "--out", out.toString());
        System.out.println(run.err());
        assertEquals(0, run.code(), run.err());
        BlipModelIdentity identity = BlipModelIdentity.of(blip());
        assertTrue(run.err().contains("caption (from the model " + identity + ", "), run.err());
        assertTrue(run.err().contains(": \"" + expected + "\""), run.err());

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(expected, manifest.path("caption").asText(), "inverted with the model's caption");
        assertEquals("model", manifest.path("captionSource").asText());
        assertEquals(identity.name(), manifest.path("captioner").path("name").asText());
        assertEquals(identity.configSha256(), manifest.path("captioner").path("configSha256").asText());
        assertFalse(manifest.path("captioner").toString().contains(blip().getParent().toString()),
                "the identity names no local path: " + manifest.path("captioner"));
    }

    @Test
    void withoutCaptionOrCaptionerItAsksForOne() {
        Run run = run(Optional.empty(), "--model", Fixtures.tinySd().toString(), "--image",
                Fixtures.reference().resolve("chelsea-256.png").toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("give --caption TEXT, or --captioner DIR"), run.err());
        assertFalse(Files.exists(dir.resolve("x")), "nothing was written");
    }

    @Test
    void aCaptionAndACaptionerTogetherAreAUsageError() {
        Run run = run(Optional.of(blip()), "--model", Fixtures.tinySd().toString(), "--image",
                Fixtures.reference().resolve("chelsea-256.png").toString(), "--caption", "a cat",
                "--captioner", blip().toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("either --caption or --captioner"), run.err());
    }

    /** Runs {@code invert} in this JVM with {@code bundled} as the build's bundled captioner. */
    private static Run run(Optional<Path> bundled, String... args) {
        InvertCommand invert = new InvertCommand();
        invert.bundledCaptioner = bundled;
        CommandLine command = new CommandLine(invert);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path blip() {
        try {
            return Path.of(InvertWithoutCaptionTest.class.getResource("/blip/model/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
