package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application started as README says, without {@code MALLOC_ARENA_MAX}: a model command runs with
 * glibc's one heap all the same (it re-runs itself once), and the launcher's end is its child's.
 */
@Tag("integration")
class OneHeapIT {

    @TempDir
    Path dir;

    private final Path model = Path.of("target", "shapes-model").toAbsolutePath();

    @Test
    void aPlainJavaJarRunsTheModelWithOneHeapOnce() throws Exception {
        PackagedApp.Run bench = PackagedApp.run(dir, List.of(), Duration.ofMinutes(5), "benchmark", "--model",
                model.toString(), "--iterations", "1", "--warmup", "0");
        assertEquals(0, bench.exit(), bench.output());
        assertTrue(bench.output().contains("MALLOC_ARENA_MAX=1"), bench.output());
        assertFalse(bench.output().contains("before the JVM starts"), bench.output());
        assertEquals(1, bench.output().lines().filter(l -> l.startsWith("host memory:")).count(), bench.output());
        // a refusal's status and its one line come back through the launcher
        PackagedApp.Run refused = PackagedApp.run(dir, List.of(), Duration.ofMinutes(2), "invert", "--model",
                dir.resolve("nowhere").toString(), "--image", "/nonexistent.png", "--caption", "a cat", "--out",
                dir.resolve("out").toString());
        assertEquals(2, refused.exit(), refused.output());
        assertEquals(1, refused.output().lines().filter(l -> l.startsWith("error")).count(), refused.output());
    }

    @Test
    void theUsersChoiceIsKept() throws Exception {
        PackagedApp.Run bench = PackagedApp.run(dir, List.of(), Duration.ofMinutes(5), Map.of("MALLOC_ARENA_MAX", "2"),
                "benchmark", "--model", model.toString(), "--iterations", "1", "--warmup", "0");
        assertEquals(0, bench.exit(), bench.output());
        assertTrue(bench.output().contains("MALLOC_ARENA_MAX=2"), bench.output());
        PackagedApp.Run off = PackagedApp.run(dir, List.of(), Duration.ofMinutes(5), Map.of("RECAPTION_NO_REEXEC", "1"),
                "benchmark", "--model", model.toString(), "--iterations", "1", "--warmup", "0");
        assertEquals(0, off.exit(), off.output());
        assertTrue(off.output().contains("set MALLOC_ARENA_MAX=1 before the JVM starts"), off.output());
    }

    @Test
    void aTerminatedLauncherEndsItsChildAndAKilledOneToo() throws Exception {
        Started terminated = startLongBenchmark("term");
        terminated.launcher.destroy();
        assertTrue(terminated.launcher.waitFor(60, TimeUnit.SECONDS), "the launcher ends after its child");
        assertEquals(143, terminated.launcher.exitValue(), terminated.output());
        assertFalse(terminated.child.isAlive(), "SIGTERM reached the child");

        Started killed = startLongBenchmark("kill");
        killed.launcher.destroyForcibly();
        killed.child.onExit().completeOnTimeout(killed.child, 60, TimeUnit.SECONDS).get();
        assertFalse(killed.child.isAlive(), "the child notices its launcher is gone: " + killed.output());
    }

    private record Started(Process launcher, ProcessHandle child, Path log) {
        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    /** A benchmark that would run for hours, once its child is timing (its header printed). */
    private Started startLongBenchmark(String name) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString(), "benchmark", "--model", model.toString(), "--iterations",
                "100000", "--warmup", "0"));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().remove("MALLOC_ARENA_MAX");
        Process launcher = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("host memory:")) {
            assertTrue(launcher.isAlive(), Files.readString(log, StandardCharsets.UTF_8));
            assertTrue(Instant.now().isBefore(deadline), "no benchmark header: " + Files.readString(log));
            Thread.sleep(200);
        }
        List<ProcessHandle> children = launcher.children().toList();
        assertEquals(1, children.size(), "one child: " + children);
        return new Started(launcher, children.get(0), log);
    }
}
