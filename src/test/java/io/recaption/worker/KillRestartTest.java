package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.worker.local.ChildJvm;
import io.recaption.worker.local.LocalStack;
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
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The worker as a real process (a production jar with the test engine, {@code java -jar … serve}), killed and
 * stopped in the middle of inversions:
 * <ol>
 *   <li>SIGKILL mid-inversion, then a new worker: the request is redone and completes exactly once (one event,
 *       one manifest);
 *   <li>SIGTERM mid-inversion with a long grace period: the job finishes, its event is published and its
 *       record committed before the process exits (the next worker does not redo or replay it);
 *   <li>SIGTERM with a grace period shorter than the job: the job is abandoned uncommitted, and the next worker
 *       redoes it, once.
 * </ol>
 * Runs on its own topics and consumer group, so it does not share records with the in-JVM worker of the other
 * tests.
 */
class KillRestartTest {

    private static final String PREFIX = "kill-";
    private static final String GROUP = "kill-test-worker";
    private static final String PHOTO = "uploads/kill/photo.png";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path jar;
    private static LocalStack stack;
    private static TestKafka kafka;
    private static S3Client s3;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void build() throws Exception {
        stack = SharedStack.get();
        stack.kafka().createTopics(List.of(topic(SharedStack.INVERSION_REQUESTS), topic(SharedStack.INVERSION_EVENTS),
                topic(SharedStack.EDIT_REQUESTS), topic(SharedStack.EDIT_EVENTS), topic(SharedStack.INVERSION_DLQ),
                topic(SharedStack.EDIT_DLQ)), 1);
        kafka = new TestKafka(stack.kafka().bootstrapServers(), List.of(topic(SharedStack.INVERSION_EVENTS)));
        s3 = stack.s3().client();
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
        long start = System.nanoTime();
        jar = WorkerJar.build();
        System.out.printf("worker jar with the test engine built in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, jar);
    }

    @AfterAll
    static void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void killedAndStoppedMidInversionEachRequestCompletesExactlyOnce() throws Exception {
        // 1. SIGKILL in the middle of an inversion
        String killed = Requests.newId("killed");
        try (Worker a = Worker.start(this, "worker-a", Duration.ofSeconds(30))) {
            publish(killed, 40);
            double progress = awaitRunning(killed, 0.2);
            long pid = a.process.pid();
            a.kill();
            System.out.printf("worker A (pid %d) killed with SIGKILL at progress %.2f%n", pid, progress);
        }
        Thread.sleep(1000);
        assertFalse(exists(killed, "manifest.json"), "no manifest after the kill");
        assertEquals(0, events(killed).size(), "no event after the kill");

        // 2. a new worker redoes it; then SIGTERM while it runs another one, with time to finish
        String graceful = Requests.newId("graceful");
        try (Worker b = Worker.start(this, "worker-b", Duration.ofSeconds(30))) {
            JsonNode redone = kafka.awaitEvent(topic(SharedStack.INVERSION_EVENTS), "requestId", killed, TIMEOUT);
            System.out.println("after the kill, worker B: " + redone);
            assertEquals("succeeded", redone.path("status").asText());
            assertFalse(redone.path("replayed").asBoolean(), "redone, not replayed: the manifest did not exist");

            publish(graceful, 16);
            awaitRunning(graceful, 0.2);
            long start = System.nanoTime();
            int exit = b.terminate();
            System.out.printf("worker B stopped with SIGTERM mid-job: exit %d after %.1f s%n", exit, (System.nanoTime() - start) / 1e9);
            assertEquals(1, events(graceful).size(), "the running job finished and published before the process exited");
        }

        // 3. the next worker neither redoes nor replays it (committed); SIGTERM with too short a grace abandons a job
        String abandoned = Requests.newId("abandoned");
        try (Worker c = Worker.start(this, "worker-c", Duration.ofSeconds(1))) {
            publish(abandoned, 40);
            awaitRunning(abandoned, 0.1);
            long start = System.nanoTime();
            int exit = c.terminate();
            System.out.printf("worker C stopped with SIGTERM, grace 1 s: exit %d after %.1f s%n", exit, (System.nanoTime() - start) / 1e9);
        }
        assertEquals(0, events(abandoned).size(), "an abandoned job publishes nothing");
        assertFalse(exists(abandoned, "manifest.json"));

        // 4. the last worker redoes the abandoned one
        try (Worker d = Worker.start(this, "worker-d", Duration.ofSeconds(30))) {
            JsonNode redone = kafka.awaitEvent(topic(SharedStack.INVERSION_EVENTS), "requestId", abandoned, TIMEOUT);
            System.out.println("after the abandon, worker D: " + redone);
            assertEquals("succeeded", redone.path("status").asText());
            Thread.sleep(3000);
        }
        for (String id : List.of(killed, graceful, abandoned)) {
            assertEquals(1, events(id).size(), "exactly one event for " + id);
            assertTrue(exists(id, "manifest.json"), "a manifest for " + id);
            JsonNode status = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET)
                    .key("inversions/" + id + "/status.json")).asByteArray());
            assertEquals("succeeded", status.path("state").asText(), id);
        }
    }

    private void publish(String id, int steps) {
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id);
        request.with("options").put("steps", steps);
        kafka.send(topic(SharedStack.INVERSION_REQUESTS), id, request);
    }

    /** Waits until the inversion's status says running with at least {@code fraction} done. */
    private double awaitRunning(String id, double fraction) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<JsonNode> status = status(id);
            if (status.isPresent() && "running".equals(status.get().path("state").asText())
                    && status.get().path("progress").asDouble() >= fraction) {
                return status.get().path("progress").asDouble();
            }
            Thread.sleep(100);
        }
        fail(id + " never ran");
        return 0;
    }

    private Optional<JsonNode> status(String id) throws Exception {
        try {
            return Optional.of(JSON.readTree(s3.getObjectAsBytes(
                    b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key("inversions/" + id + "/status.json")).asByteArray()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private boolean exists(String id, String file) {
        try {
            s3.headObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key("inversions/" + id + "/" + file));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private List<JsonNode> events(String id) {
        return kafka.all(topic(SharedStack.INVERSION_EVENTS), r -> id.equals(TestKafka.json(r).path("requestId").asText()))
                .stream().map(TestKafka::json).toList();
    }

    private static String topic(String name) {
        return PREFIX + name;
    }

    /** One worker process. */
    private static final class Worker implements AutoCloseable {

        private final ChildJvm process;

        private Worker(ChildJvm process) {
            this.process = process;
        }

        static Worker start(KillRestartTest test, String name, Duration grace) throws Exception {
            int port = ChildJvm.freePort();
            List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            for (Map.Entry<String, String> entry : stack.quarkusConfig().entrySet()) {
                jvm.add("-D" + entry.getKey() + "=" + entry.getValue());
            }
            for (String t : List.of("inversion-requests", "inversion-events", "edit-requests", "edit-events",
                    "inversion-requests-dlq", "edit-requests-dlq")) {
                jvm.add("-Drecaption.topics." + t + "=" + topic(t));
            }
            for (String channel : List.of("inversion-requests", "edit-requests")) {
                // a killed member leaves the group when its session times out: make that quick
                jvm.add("-Dmp.messaging.incoming." + channel + ".session.timeout.ms=6000");
                jvm.add("-Dmp.messaging.incoming." + channel + ".heartbeat.interval.ms=1000");
            }
            jvm.addAll(List.of(
                    "-Drecaption.consumer-group=" + GROUP,
                    "-Drecaption.artifacts.bucket=" + SharedStack.ARTIFACTS_BUCKET,
                    "-Drecaption.input.buckets=" + SharedStack.UPLOADS_BUCKET,
                    "-Drecaption.jobs.status-interval=PT0.1S",
                    "-Drecaption.jobs.shutdown-grace=" + grace,
                    "-Drecaption-test.engine.step-delay=PT0.25S",
                    "-Dquarkus.http.port=" + port));
            Path dir = jar.getParent();
            ChildJvm process = ChildJvm.start(name, jvm, List.of("-jar", jar.toString(), "serve"),
                    dir.resolve("logs").resolve(name + ".log"), dir);
            Worker worker = new Worker(process);
            long start = System.nanoTime();
            try {
                test.awaitReady(process, port);
            } catch (RuntimeException | Error e) {
                worker.close();
                throw e;
            }
            System.out.printf("%s ready in %.1f s (pid %d, log %s)%n", name, (System.nanoTime() - start) / 1e9, process.pid(), process.log());
            return worker;
        }

        void kill() {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(process.pid()).ifPresent(h -> h.onExit().join());
        }

        /** SIGTERM and wait for the exit; returns the exit code. */
        int terminate() {
            ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
            handle.destroy();
            handle.onExit().join();
            return process.exitCode();
        }

        @Override
        public void close() {
            process.close();
        }
    }

    private void awaitReady(ChildJvm process, int port) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                fail("the worker exited:\n" + process.logTail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("the worker did not become ready:\n" + process.logTail());
    }
}
