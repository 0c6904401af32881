package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.devstack.LocalStack;
import io.recaption.devstack.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

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
 * tests. It is a Quarkus test only to share that application's class loader, hence the one local stack;
 * the worker it exercises is the child process.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class KillRestartTest {

    private static final String PREFIX = "kill-";
    private static final String GROUP = "kill-test-worker";
    private static final String PHOTO = "uploads/kill/photo.png";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static Path jar;
    private static LocalStack stack;
    private static TestKafka kafka;
    private static S3Client s3;

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
        try (WorkerProcess a = worker("worker-a", Duration.ofSeconds(30))) {
            publish(killed, 40);
            double progress = awaitRunning(killed, 0.2);
            long pid = a.pid();
            a.kill();
            System.out.printf("worker A (pid %d) killed with SIGKILL at progress %.2f%n", pid, progress);
        }
        Thread.sleep(1000);
        assertFalse(exists(killed, "manifest.json"), "no manifest after the kill");
        assertEquals(0, events(killed).size(), "no event after the kill");

        // 2. a new worker redoes it; then SIGTERM while it runs another one, with time to finish
        String graceful = Requests.newId("graceful");
        try (WorkerProcess b = worker("worker-b", Duration.ofSeconds(30))) {
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
        try (WorkerProcess c = worker("worker-c", Duration.ofSeconds(1))) {
            publish(abandoned, 40);
            awaitRunning(abandoned, 0.1);
            long start = System.nanoTime();
            int exit = c.terminate();
            System.out.printf("worker C stopped with SIGTERM, grace 1 s: exit %d after %.1f s%n", exit, (System.nanoTime() - start) / 1e9);
        }
        assertEquals(0, events(abandoned).size(), "an abandoned job publishes nothing");
        assertFalse(exists(abandoned, "manifest.json"));

        // 4. the last worker redoes the abandoned one
        try (WorkerProcess d = worker("worker-d", Duration.ofSeconds(30))) {
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

    @Test
    void aModelThatCannotBeLoadedConsumesNothingFailsItsChecksAndEndsTheProcess() throws Exception {
        String pending = Requests.newId("before-model");
        publish(pending, 5);
        Map<String, String> broken = Map.of("recaption-test.engine.load-failure", "the snapshot's unet is truncated",
                "recaption-test.engine.load-delay", "PT1S");

        // kept alive: startup and liveness report the failure; the pending record is not consumed
        Map<String, String> keep = new LinkedHashMap<>(broken);
        keep.put("recaption.model.exit-on-load-failure", "false");
        try (WorkerProcess kept = WorkerProcess.launch("broken-kept", jar, workerConfig("broken-kept", Duration.ofSeconds(5), keep),
                JVM, jar.getParent().resolve("logs").resolve("broken-kept.log"))) {
            String[] live = awaitStatus(kept, "q/health/live", 503);
            System.out.println("liveness with a model that cannot be loaded: " + live[1]);
            assertTrue(live[1].contains("modelLoadFailure"), live[1]);
            assertEquals("503", kept.get("q/health/started")[0], "startup reports it too");
            assertEquals("503", kept.get("q/health/ready")[0]);
            Thread.sleep(2000);
            assertTrue(status(pending).isEmpty(), "nothing consumed: no status");
            assertEquals(0, events(pending).size());
        }

        // by default the process ends, so that Kubernetes restarts the container
        try (WorkerProcess exiting = WorkerProcess.launch("broken-exits", jar, workerConfig("broken-exits", Duration.ofSeconds(5), broken),
                JVM, jar.getParent().resolve("logs").resolve("broken-exits.log"))) {
            java.util.OptionalInt exit = exiting.awaitExit(TIMEOUT);
            System.out.println("a worker whose model cannot be loaded exited with " + exit);
            assertEquals(java.util.OptionalInt.of(WorkerGates.MODEL_LOAD_FAILED), exit);
        }
        assertTrue(status(pending).isEmpty(), "still nothing consumed");
        assertEquals(0, events(pending).size());

        // a worker whose model loads takes the request that waited, and does it once
        try (WorkerProcess good = worker("model-loads", Duration.ofSeconds(30), Map.of("recaption-test.engine.load-delay", "PT3S"))) {
            JsonNode event = kafka.awaitEvent(topic(SharedStack.INVERSION_EVENTS), "requestId", pending, TIMEOUT);
            assertEquals("succeeded", event.path("status").asText());
            assertFalse(event.path("replayed").asBoolean());
        }
        assertEquals(1, events(pending).size());
    }

    private static String[] awaitStatus(WorkerProcess worker, String path, int expected) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        String[] last = {"-1", "no answer"};
        while (Instant.now().isBefore(deadline)) {
            last = worker.get(path);
            if (last[0].equals(Integer.toString(expected))) {
                return last;
            }
            Thread.sleep(200);
        }
        fail(path + " never answered " + expected + ": " + last[0] + " " + last[1] + "\n" + worker.log());
        return last;
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
        } catch (S3Exception e) {
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

    /** A worker process on this test's topics and group, its engine taking 0.15 s per step. */
    private static WorkerProcess worker(String name, Duration grace) {
        return worker(name, grace, Map.of());
    }

    private static WorkerProcess worker(String name, Duration grace, Map<String, String> extra) {
        Map<String, String> config = workerConfig(name, grace, extra);
        long start = System.nanoTime();
        WorkerProcess worker = WorkerProcess.start(name, jar, config, JVM, jar.getParent().resolve("logs").resolve(name + ".log"), TIMEOUT);
        System.out.printf("%s ready in %.1f s (pid %d, log %s)%n", name, (System.nanoTime() - start) / 1e9, worker.pid(), worker.log());
        return worker;
    }

    private static Map<String, String> workerConfig(String name, Duration grace, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>(stack.quarkusConfig());
        for (String t : List.of(SharedStack.INVERSION_REQUESTS, SharedStack.INVERSION_EVENTS, SharedStack.EDIT_REQUESTS,
                SharedStack.EDIT_EVENTS, SharedStack.INVERSION_DLQ, SharedStack.EDIT_DLQ)) {
            config.put("recaption.topics." + t, topic(t));
        }
        for (String channel : List.of("inversion-requests", "edit-requests")) {
            // a killed member leaves the group when its session times out: make that quick
            config.put("mp.messaging.incoming." + channel + ".session.timeout.ms", "6000");
            config.put("mp.messaging.incoming." + channel + ".heartbeat.interval.ms", "1000");
        }
        config.put("recaption.consumer-group", GROUP);
        config.put("recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET);
        config.put("recaption.input.buckets", SharedStack.UPLOADS_BUCKET);
        config.put("recaption.jobs.status-interval", "PT0.1S");
        config.put("recaption.jobs.shutdown-grace", grace.toString());
        config.put("recaption.lease.duration", "PT5S");
        config.put("recaption.lease.renew-interval", "PT1S");
        config.put("recaption.worker-id", name);
        config.put("recaption-test.engine.step-delay", "PT0.15S");
        config.putAll(extra);
        return config;
    }
}
