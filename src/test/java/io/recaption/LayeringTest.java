package io.recaption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN's layering rule: the engine packages import only the JDK, DJL and small libraries; only worker,
 * web, api and cli touch Quarkus, Kafka, S3 or CDI; the caption editor (web) imports nothing of the lab.
 */
class LayeringTest {

    private static final List<String> ENGINE = List.of("model", "diffusion", "inversion", "editing", "artifacts",
            "pipeline", "lab");
    private static final List<String> FORBIDDEN = List.of("io.quarkus", "org.apache.kafka", "software.amazon",
            "io.smallrye", "jakarta.", "org.eclipse.microprofile", "io.recaption.worker", "io.recaption.api",
            "io.recaption.cli", "io.recaption.web");

    @Test
    void enginePackagesImportNoServiceCode() throws IOException {
        Path root = Path.of("src", "main", "java", "io", "recaption");
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (String pkg : ENGINE) {
            try (Stream<Path> sources = Files.walk(root.resolve(pkg))) {
                for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("import ")) {
                            for (String forbidden : FORBIDDEN) {
                                if (line.contains(" " + forbidden) || line.contains("static " + forbidden)) {
                                    violations.add(root.relativize(file) + ": " + line);
                                }
                            }
                        }
                    }
                }
            }
        }
        System.out.println("layering: " + files + " engine source files checked");
        assertTrue(files > 50, "the engine sources were found");
        assertEquals(List.of(), violations);
    }

    /** The editor is product code: its sample scenes are bundled PNGs (see SampleScenesTest), not lab imports. */
    @Test
    void theWebImportsNothingOfTheLab() throws IOException {
        Path web = Path.of("src", "main", "java", "io", "recaption", "web");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(web)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("import ") && line.contains("io.recaption.lab")) {
                        violations.add(file + ": " + line);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
