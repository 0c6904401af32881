package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.cli.PackagedApp.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer sees in the first minute, on the packaged application: help without warnings, no GPU chatter
 * on a CPU machine, and refusals that say what is wrong and what to do.
 */
@Tag("integration")
class FirstMinuteIT {

    @TempDir
    Path dir;


    @Test
    void helpPrintsEveryCommandWithoutAWarning() throws Exception {
        Run help = run("--help");
        assertEquals(0, help.exit(), help.output());
        for (String command : List.of("serve", "demo", "invert", "edit", "train", "evaluate")) {
            assertTrue(help.output().contains(command), command + " is listed: " + help.output());
        }
        assertFalse(help.output().contains("picocli WARN"), help.output());
        Run train = run("train", "--help");
        assertEquals(0, train.exit(), train.output());
        assertTrue(train.output().contains("10 % empty captions"), train.output());
        assertFalse(train.output().contains("picocli WARN"), train.output());
    }

    @Test
    void aMissingImageIsRefusedWithWhatToDoAndNoGpuChatter() throws Exception {
        Path model = Path.of("target", "shapes-model").toAbsolutePath();
        Run invert = run("invert", "--model", model.toString(), "--image", "/nonexistent.png", "--caption", "a cat",
                "--out", dir.resolve("out").toString());
        assertEquals(2, invert.exit(), invert.output());
        assertTrue(invert.output().contains("--image /nonexistent.png: no such file; give the path of the photo"),
                invert.output());
        Run noModel = run("invert", "--model", dir.resolve("nowhere").toString(), "--image", "/nonexistent.png",
                "--caption", "a cat", "--out", dir.resolve("out").toString());
        assertEquals(2, noModel.exit(), noModel.output());
        assertTrue(noModel.output().contains("no such folder; give a diffusers Stable Diffusion snapshot folder"),
                noModel.output());
        if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
            // the engine starts in this run (the model folder exists): DJL's CUDA probe ran and said nothing
            Run bench = run("benchmark", "--model", model.toString(), "--iterations", "1", "--warmup", "0");
            assertEquals(0, bench.exit(), bench.output());
            assertFalse(bench.output().contains("Failed to detect GPU count"), bench.output());
            assertFalse(bench.output().contains("CUDA driver version"), bench.output());
        }
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return PackagedApp.run(dir, List.of(), Duration.ofMinutes(5), args);
    }
}
