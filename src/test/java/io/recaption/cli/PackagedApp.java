package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the packaged application ({@code target/quarkus-app}) as a user would, one process per call. */
final class PackagedApp {

    /** Exit code and everything the command printed (stdout and stderr together). */
    record Run(int exit, String output) {}

    private PackagedApp() {}

    /** {@code java [jvmOptions] -jar quarkus-run.jar args…}, its output logged in {@code dir}. */
    static Run run(Path dir, List<String> jvmOptions, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return run(dir, jvmOptions, timeout, Map.of(), args);
    }

    /** The same, with {@code environment} added to this process's. */
    static Run run(Path dir, List<String> jvmOptions, Duration timeout, Map<String, String> environment,
            String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the application is packaged: " + jar);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        // as a newcomer's shell has it: the application sets glibc's heaps itself (io.recaption.OneHeap)
        builder.environment().remove("MALLOC_ARENA_MAX");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
