package io.recaption.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A worker as a child process, {@code java -jar <quarkus-run.jar> serve} with its configuration as system
 * properties, on a free HTTP port; started when its readiness check answers 200. For the demo and for tests
 * that kill a worker. The demo's caption editor ({@code web}) runs the same way.
 */
public final class WorkerProcess implements AutoCloseable {

    private final ChildJvm process;
    private final int httpPort;

    private WorkerProcess(ChildJvm process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * Starts a worker and waits until it is ready.
     *
     * @param jar the application's {@code quarkus-run.jar} (see {@link #packagedJar()})
     * @param config configuration keys, e.g. {@link LocalStack#quarkusConfig()} plus {@code recaption.*}
     * @param jvmArgs extra JVM options (heap size, ...)
     * @param log where the worker's output goes
     */
    public static WorkerProcess start(String name, Path jar, Map<String, String> config, List<String> jvmArgs, Path log,
            Duration readyTimeout) {
        return start(name, "serve", jar, config, jvmArgs, log, readyTimeout);
    }

    /**
     * Starts the packaged application's {@code command} ({@code serve}, or {@code web} for the caption editor) the
     * same way, and waits until it is ready.
     */
    public static WorkerProcess start(String name, String command, Path jar, Map<String, String> config,
            List<String> jvmArgs, Path log, Duration readyTimeout) {
        WorkerProcess worker = launch(name, command, jar, config, jvmArgs, log);
        try {
            worker.awaitReady(readyTimeout);
            return worker;
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    /** Starts a worker without waiting for it to be ready (one that is never ready, or exits). */
    public static WorkerProcess launch(String name, Path jar, Map<String, String> config, List<String> jvmArgs, Path log) {
        return launch(name, "serve", jar, config, jvmArgs, log);
    }

    /** Starts the packaged application's {@code command} without waiting for it to be ready. */
    public static WorkerProcess launch(String name, String command, Path jar, Map<String, String> config,
            List<String> jvmArgs, Path log) {
        int port = ChildJvm.freePort();
        List<String> jvm = new ArrayList<>(jvmArgs);
        config.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
        jvm.add("-Dquarkus.http.port=" + port);
        ChildJvm process = ChildJvm.start(name, jvm, List.of("-jar", jar.toAbsolutePath().toString(), command), log,
                jar.toAbsolutePath().getParent());
        return new WorkerProcess(process, port);
    }

    /** Waits up to {@code timeout} for the process to exit; its exit code, or empty if it still runs. */
    public java.util.OptionalInt awaitExit(Duration timeout) {
        return process.waitFor(timeout) ? java.util.OptionalInt.of(process.exitCode()) : java.util.OptionalInt.empty();
    }

    /** GET of a path of the worker's HTTP port: [status, body], or [-1, why] when it does not answer. */
    public String[] get(String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(baseUri().resolve(path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return new String[] {Integer.toString(response.statusCode()), response.body()};
        } catch (IOException e) {
            return new String[] {"-1", e.toString()};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {"-1", "interrupted"};
        }
    }

    /**
     * The application's {@code quarkus-run.jar}: the running one when this code runs from a packaged
     * application, else {@code target/quarkus-app/quarkus-run.jar} under the working directory.
     */
    public static Path packagedJar() {
        return LocalStack.quarkusAppDir().orElse(Path.of("target", "quarkus-app").toAbsolutePath()).resolve("quarkus-run.jar");
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return process.log();
    }

    /** SIGKILL: the worker dies without any shutdown. */
    public void kill() {
        ProcessHandle.of(process.pid()).ifPresent(handle -> {
            handle.destroyForcibly();
            handle.onExit().join();
        });
    }

    /** SIGTERM, waiting for the exit (the worker's graceful shutdown); returns the exit code. */
    public int terminate() {
        ProcessHandle.of(process.pid()).ifPresent(handle -> {
            handle.destroy();
            handle.onExit().join();
        });
        return process.exitCode();
    }

    @Override
    public void close() {
        process.close();
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(baseUri().resolve("q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the worker exited:\n" + process.logTail());
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.body();
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            ChildJvm.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("the worker was not ready within " + timeout + " (" + last + "):\n" + process.logTail());
    }
}
