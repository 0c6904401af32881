package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.NamedColour;
import io.recaption.lab.shapes.Position;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.Scene;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.Shape;
import io.recaption.lab.shapes.ShapeKind;
import io.recaption.lab.shapes.ShapeSize;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code caption} on the BLIP fixture: the reference's captions on stdout, clear refusals on stderr. */
@Tag("unit")
class CaptionCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    @Test
    void printsFileTabCaptionPerImageAsTheReferenceCaptionsIt() throws Exception {
        JsonNode captions = new ObjectMapper().readTree(blip().resolve("blip-cases.json").toFile()).get("captions");
        String image = blip().resolve("image.png").toString();
        String tokens = captions.get("max_new_tokens").asText();
        Run plain = run("--model", model().toString(), "--image", image, image, "--max-tokens", tokens);
        assertEquals(0, plain.code(), plain.err());
        String line = image + "\t" + captions.get("unconditional").get("text").asText();
        assertEquals(line + System.lineSeparator() + line + System.lineSeparator(), plain.out());
        Run prompted = run("--model", model().toString(), "--image", image, "--max-tokens", tokens,
                "--prompt", captions.get("prompted").get("prompt").asText());
        assertEquals(image + "\t" + captions.get("prompted").get("text").asText() + System.lineSeparator(), prompted.out());
        Run beams = run("--model", model().toString(), "--image", image, "--beams", "3", "--max-tokens", tokens);
        assertEquals(0, beams.code(), beams.err());
        assertTrue(beams.out().startsWith(image + "\t"), beams.out());
    }

    /** Without --model: the bundled shapes-world captioner (target/shapes-captioner, put there by the build). */
    @Test
    void withoutAModelTheBundledCaptionerNamesTheScene() throws Exception {
        Scene scene = Scene.of(NamedColour.GREEN, new Shape(ShapeKind.SQUARE, NamedColour.RED, ShapeSize.BIG,
                Position.CENTER));
        Path png = dir.resolve("scene.png");
        ImageIO.write(new SceneRenderer(RenderSettings.defaults()).render(scene).image().toBufferedImage(), "png",
                png.toFile());
        Run run = run("--image", png.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("model " + BundledCaptioner.FOLDER + "@sha256:"), run.err());
        assertTrue(run.out().startsWith(png + "\t"), run.out());
        String caption = run.out().strip().substring(png.toString().length() + 1);
        assertEquals(CaptionGrammar.caption(scene), caption);
    }

    @Test
    void aMissingModelFolderIsOneClearLine() {
        Run run = run("--model", dir.resolve("nowhere").toString(), "--image", blip().resolve("image.png").toString());
        assertEquals(1, run.code());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("caption: cannot load the model: model folder not found: "), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void anUnreadableImageIsReportedAndTheOthersStillCaptioned() throws Exception {
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not a png");
        String image = blip().resolve("image.png").toString();
        Run run = run("--model", model().toString(), "--image", broken.toString(), dir.resolve("absent.jpg").toString(),
                image, "--max-tokens", "3");
        assertEquals(1, run.code());
        assertTrue(run.err().contains(broken + ": cannot read the image: "), run.err());
        assertTrue(run.err().contains("absent.jpg: cannot read the image: no such file"), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith(image + "\t"), run.out());
    }

    @Test
    void refusesZeroBeamsAsAUsageError() {
        Run run = run("--model", model().toString(), "--image", blip().resolve("image.png").toString(), "--beams", "0");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("beams must lie in 1…"), run.err());
    }

    private static Path blip() {
        try {
            return Path.of(CaptionCommandTest.class.getResource("/blip/blip-cases.json").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path model() {
        return blip().resolve("model");
    }

    private static Run run(String... args) {
        CommandLine command = new CommandLine(new RecaptionCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "caption";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = command.execute(all);
        return new Run(code, out.toString(), err.toString());
    }
}
