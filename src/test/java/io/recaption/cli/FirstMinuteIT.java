package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** Exit code and everything the command printed (stdout and stderr together). */
    record Run(int exit, String output) {}

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
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the application is packaged: " + jar);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
