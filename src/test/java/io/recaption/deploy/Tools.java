package io.recaption.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** External command-line tools (kubectl, terraform, unzip): found on PATH, run with a time limit. */
final class Tools {

    record Result(List<String> command, int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }

        /** For assertion messages: the command, its exit code and everything it printed. */
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    private Tools() {}

    /** The executable {@code name} on PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment; stdout and stderr
     * together. A command still running after {@code timeout} is killed and reported with exit code -1.
     */
    static Result run(Path dir, Map<String, String> env, Duration timeout, List<String> command) {
        return run(dir, env, timeout, command, null);
    }

    /** As {@link #run(Path, Map, Duration, List)}, reading standard input from {@code stdin} (null: none). */
    static Result run(Path dir, Map<String, String> env, Duration timeout, List<String> command, Path stdin) {
        Path output = null;
        try {
            output = Files.createTempFile("recaption-tool", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            if (stdin != null) {
                builder.redirectInput(stdin.toFile());
            }
            Process process = builder.start();
            if (stdin == null) {
                process.getOutputStream().close();
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            return new Result(command, finished ? process.exitValue() : -1,
                    finished ? printed : printed + "\n(killed after " + timeout.toSeconds() + " s)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temp log is harmless
                }
            }
        }
    }
}
