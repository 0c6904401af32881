package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark runs on the tiny model and prints its figures (which are reported, never asserted). */
@Tag("unit")
class BenchmarkCommandTest {

    private static final List<String> COMPONENTS = List.of("text-encoder", "vae-encode", "unet-forward",
            "unet-forward-backward", "vae-decode");

    @Test
    void printsEveryComponentAndWritesTheSameFiguresAsJson(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        CommandLine command = new CommandLine(new RecaptionCommand());
        command.setOut(new PrintWriter(text));
        Path json = dir.resolve("figures.json");
        int exit = command.execute("benchmark", "--model", Fixtures.tinySd().toString(), "--iterations", "1",
                "--warmup", "0", "--size", "64", "--whole", "--steps", "2", "--inner-steps", "1",
                "--json", json.toString());
        String output = text.toString();
        System.out.print(output);
        assertEquals(0, exit, output);
        assertTrue(output.contains("float32, image 64², latent 8², batch 1"), output);
        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertEquals("float32", figures.path("dtype").asText());
        assertEquals(64, figures.path("size").asInt());
        for (String component : COMPONENTS) {
            double median = figures.path("components").path(component).path("median_ms").asDouble(-1);
            assertTrue(median > 0, component + " in " + figures);
            assertTrue(output.contains(component), output);
            // the process's peak so far never falls, and never below what loading left resident
            long peakSoFar = figures.path("components").path(component).path("peak_rss_so_far_mib").asLong(-1);
            assertTrue(peakSoFar >= figures.path("peak_rss_after_loading_mib").asLong(), component + " in " + figures);
            assertTrue(peakSoFar <= figures.path("peak_rss_mib").asLong(), component + " in " + figures);
        }
        assertTrue(figures.path("whole").path("invert_s").asDouble() > 0, figures.toString());
        assertTrue(figures.path("whole").path("edit_s").asDouble() > 0, figures.toString());
        assertTrue(figures.path("peak_rss_mib").asLong() > 0, figures.toString());
    }

    @Test
    void runsInBfloat16AndSkipsWhatItIsTold() {
        StringWriter text = new StringWriter();
        CommandLine command = new CommandLine(new RecaptionCommand());
        command.setOut(new PrintWriter(text));
        int exit = command.execute("benchmark", "--model", Fixtures.tinySd().toString(), "--iterations", "1",
                "--warmup", "0", "--dtype", "bfloat16", "--skip", "vae-encode,vae-decode");
        String output = text.toString();
        assertEquals(0, exit, output);
        assertTrue(output.contains("bfloat16"), output);
        assertTrue(output.contains("unet-forward-backward") && !output.contains("vae-decode"), output);
    }

    @Test
    void refusesZeroIterationsAnUnknownComponentAndAnUnknownDtype() {
        CommandLine command = new CommandLine(new RecaptionCommand());
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err));
        String model = Fixtures.tinySd().toString();
        assertEquals(2, command.execute("benchmark", "--model", model, "--iterations", "0"));
        assertEquals(2, command.execute("benchmark", "--model", model, "--skip", "vae"));
        assertTrue(err.toString().contains("unknown component 'vae'"), err.toString());
        assertEquals(2, command.execute("benchmark", "--model", model, "--dtype", "float64"));
        assertTrue(err.toString().contains("unknown dtype 'float64': use one of float32, bfloat16, float16"),
                err.toString());
    }
}
