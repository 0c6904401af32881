package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's command, as README gives it, on the packaged application (failsafe runs this after
 * {@code package}): the demo starts its own broker, S3 server and worker with the bundled shapes model, and
 * exits 0 with the images written; the colour swap that went through Kafka and S3 must read, by the
 * world's detectors, as its caption says (the end-to-end semantic check). The caption editor starts beside the
 * worker and reads the demo's inversion back.
 */
@Tag("integration")
class DemoIT {

    @TempDir
    Path out;

    @Test
    void demoRunsEndToEndAndExitsZero() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the application is packaged: " + jar);
        Path log = out.resolve("demo.log");
        Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "demo", "--out", out.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = demo.waitFor(10, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        if (!finished) {
            demo.destroyForcibly();
        }
        assertTrue(finished, "the demo finished");
        assertEquals(0, demo.exitValue(), "exit code");
        for (String name : List.of("input.png", "reconstruction.png", "colour-swap.png", "shape-swap.png")) {
            BufferedImage image = ImageIO.read(out.resolve(name).toFile());
            assertEquals(64, image.getWidth(), name);
            assertTrue(output.contains(out.resolve(name).toAbsolutePath().toString()), "the demo prints " + name);
        }
        assertTrue(output.contains("demo finished in"), output);
        assertTrue(output.matches("(?s).*caption editor: http://127\\.0\\.0\\.1:\\d+/.*"), "the demo prints the editor's address");
        assertTrue(output.matches("(?s).*the caption editor reads it back: inversion demo-\\S+ succeeded, PSNR \\d+\\.\\d\\d dB.*"),
                "the editor (web command) reads the worker's inversion from S3");
        assertTrue(output.contains("colour-swap: matches \"a red triangle below a small yellow circle on a green background\""),
                "the detectors read the colour swap as its caption says");
    }
}
