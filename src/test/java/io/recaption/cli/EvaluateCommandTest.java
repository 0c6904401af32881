package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.lab.snapshots.RandomSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** evaluate writes its three files from the command line; a missing or wrong-sized model is refused. */
@Tag("unit")
class EvaluateCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheTableTheJsonAndTheSheet() throws Exception {
        Path model = dir.resolve("model");
        RandomSnapshot.write(model, RandomSnapshot.Preset.shapes(), 2);
        Path out = dir.resolve("out");
        assertEquals(0, run("--model", model.toString(), "--seed", "3", "--images", "1", "--steps", "2",
                "--inner-steps", "1", "--out", out.toString()));
        JsonNode json = new ObjectMapper().readTree(out.resolve("quality.json").toFile());
        assertEquals(1, json.get("N").asInt());
        assertEquals(3, json.get("seed").asLong());
        assertEquals(2, json.get("settings").get("steps").asInt());
        assertEquals(1, json.get("settings").get("innerSteps").asInt());
        assertTrue(json.get("reconstruction").get("nullText").get("psnr").isNumber());
        assertTrue(json.get("edits").get("ddim").get("emphasis").get("success").isNumber());
        assertTrue(json.get("edits").get("direct").get("shapeSwap").get("localBlend").get("success").isNumber());
        assertTrue(Files.readString(out.resolve("quality.md")).contains("## Reconstruction"));
        assertTrue(Files.size(out.resolve("contact-sheet.png")) > 0);
        // the bundled captioner by default: its reading of the input and the whole chain
        JsonNode captioning = json.get("captioning");
        assertTrue(captioning.get("captioner").asText().startsWith(BundledCaptioner.FOLDER + "@"), captioning.toString());
        assertTrue(captioning.get("shapes").isNumber());
        assertTrue(captioning.get("chainColourSwap").get("success").isNumber());
        assertTrue(json.get("images").get(0).get("captioning").get("caption").isTextual());
        assertTrue(Files.readString(out.resolve("quality.md")).contains("## Captioning"));
    }

    @Test
    void withoutACaptionerTheCaptioningRowsAreLeftOutAndTheCaptionerCanBeMeasuredAlone() throws Exception {
        Path model = dir.resolve("model");
        RandomSnapshot.write(model, RandomSnapshot.Preset.shapes(), 2);
        Path out = dir.resolve("out");
        assertEquals(0, run("--model", model.toString(), "--no-captioner", "--images", "1", "--steps", "1",
                "--inner-steps", "0", "--out", out.toString()));
        assertNull(new ObjectMapper().readTree(out.resolve("quality.json").toFile()).get("captioning"));
        assertEquals(0, run("--captioning-only", "--images", "2"));
    }

    @Test
    void refusesAMissingModelAndAWrongSizedModel() throws Exception {
        assertEquals(2, run("--model", dir.resolve("missing").toString(), "--out", dir.resolve("out").toString()));
        Path tiny = dir.resolve("tiny");
        RandomSnapshot.write(tiny, RandomSnapshot.Preset.tiny(), 1);
        assertEquals(2, run("--model", tiny.toString(), "--images", "1", "--out", dir.resolve("out").toString()));
        assertTrue(Files.notExists(dir.resolve("out/quality.json")));
    }

    @Test
    void theDefaultModelIsTheBundledOneBesideTheApplication() {
        assertEquals(Path.of("target", "shapes-model").toAbsolutePath(), BundledModel.folder(),
                "tests run from classes, not from target/quarkus-app");
        assertEquals(Path.of("target", "shapes-captioner").toAbsolutePath(), BundledCaptioner.folder());
    }

    private static int run(String... args) {
        CommandLine command = new CommandLine(new RecaptionCommand());
        command.setErr(new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 1];
        all[0] = "evaluate";
        System.arraycopy(args, 0, all, 1, args.length);
        return command.execute(all);
    }
}
