package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.recaption.devstack.LocalStack;
import io.recaption.worker.kafka.JobRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** What the fleet test observes (S3 and the event topics) and asserts at the end. */
final class FleetAudit implements AutoCloseable {

    /** The figures of a run. */
    record Report(int succeeded, int replayed, int failed, int takenOver, int poisoned, int maxUnmarked) {
        @Override
        public String toString() {
            return String.format("%d succeeded events, %d replays, %d failed, %d ids finished by a later attempt, "
                    + "%d poisoned, at most %d unmarked succeeded event per id", succeeded, replayed, failed, takenOver,
                    poisoned, maxUnmarked);
        }
    }

    private final TestKafka kafka;
    private final S3Client s3;

    FleetAudit(LocalStack stack, TestKafka kafka) {
        this.kafka = kafka;
        this.s3 = stack.s3().client();
    }

    private static boolean isEdit(String id) {
        return id.contains("-edit-");
    }

    private static String prefix(String id) {
        return (isEdit(id) ? "edits/" : "inversions/") + id + "/";
    }

    List<JsonNode> events(String id) {
        String topic = isEdit(id) ? SharedStack.EDIT_EVENTS : SharedStack.INVERSION_EVENTS;
        String field = isEdit(id) ? "editId" : "requestId";
        return kafka.all(topic, r -> id.equals(TestKafka.json(r).path(field).asText())).stream().map(TestKafka::json).toList();
    }

    Optional<JsonNode> json(String key) {
        try {
            return Optional.of(Requests.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key))
                    .asByteArray()));
        } catch (Exception absentOrDown) {
            return Optional.empty();
        }
    }

    boolean running(String id, double fraction) {
        return json(prefix(id) + "status.json").filter(s -> "running".equals(s.path("state").asText())
                && s.path("progress").asDouble() >= fraction).isPresent();
    }

    boolean manifest(String id) {
        return json(prefix(id) + "manifest.json").isPresent();
    }

    String leaseHolder(String id) {
        return json(prefix(id) + "lease.json").map(l -> l.path("workerId").asText(null)).orElse(null);
    }

    void awaitAnswered(List<String> ids, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<String> missing = ids;
        while (Instant.now().isBefore(deadline)) {
            missing = ids.stream().filter(id -> events(id).isEmpty()).toList();
            if (missing.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        fail(missing.size() + " requests never answered: " + missing);
    }

    /** The assertions over every request; the run's figures. */
    Report check(FleetIT.Workload workload, String poison) {
        int succeeded = 0;
        int replayed = 0;
        int failed = 0;
        int takenOver = 0;
        int maxUnmarked = 0;
        for (String id : workload.all()) {
            List<JsonNode> events = events(id);
            List<JsonNode> failures = events.stream().filter(e -> "failed".equals(e.path("status").asText())).toList();
            failed += failures.size();
            if (id.equals(poison)) {
                assertTrue(failures.stream().allMatch(e -> "POISON".equals(e.path("error").path("code").asText())), id + ": " + failures);
                assertEquals("POISON", json(prefix(id) + "status.json").orElseThrow().path("error").path("code").asText());
                assertFalse(manifest(id), "no manifest for the poison");
                continue;
            }
            assertTrue(failures.isEmpty(), id + " failed (no job may fail for an outage or a kill): " + failures);
            long ok = events.stream().filter(e -> "succeeded".equals(e.path("status").asText())).count();
            long unmarked = events.stream().filter(e -> "succeeded".equals(e.path("status").asText())
                    && !e.path("replayed").asBoolean()).count();
            assertTrue(ok >= 1, id + ": at least one succeeded event");
            assertTrue(unmarked <= 1, id + ": never two succeeded events not marked replayed: " + events);
            succeeded += (int) ok;
            replayed += (int) (ok - unmarked);
            maxUnmarked = Math.max(maxUnmarked, (int) unmarked);
            JsonNode manifest = json(prefix(id) + "manifest.json").orElseThrow(() -> new AssertionError(id + ": no manifest"));
            String attempt = manifest.path("provenance").path("attemptId").asText();
            assertFalse(attempt.isEmpty(), id + ": the manifest names its attempt");
            if (!attempt.startsWith("a1-")) {
                takenOver++;
            }
            assertEquals("succeeded", json(prefix(id) + "status.json").orElseThrow().path("state").asText(), id + ": final status");
            for (JsonNode event : events) {
                assertEquals(attempt, event.path("attemptId").asText(), id + ": every event names the winning attempt");
            }
            List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).prefix(prefix(id)))
                    .contents().stream().map(S3Object::key).toList();
            assertEquals(1, keys.stream().filter(k -> k.endsWith("manifest.json")).count(), id + ": one manifest " + keys);
            for (String key : keys) {
                String rest = key.substring(prefix(id).length());
                if (rest.contains("/")) {
                    assertEquals(attempt, rest.substring(0, rest.indexOf('/')), id + ": " + key + " belongs to the manifest's attempt");
                }
            }
            List<String> files = isEdit(id) ? List.of("image.png")
                    : List.of("latents.safetensors", "null-embeddings.safetensors", "reconstruction.png");
            for (String file : files) {
                assertTrue(keys.contains(prefix(id) + attempt + "/" + file), id + ": the manifest's " + file + " exists: " + keys);
            }
        }
        int poisoned = kafka.all(SharedStack.INVERSION_DLQ, r -> poison.equals(r.key())
                && "POISON".equals(TestKafka.header(r, JobRunner.ERROR_CODE_HEADER))).size();
        int otherLetters = kafka.all(SharedStack.INVERSION_DLQ, r -> !poison.equals(r.key())).size()
                + kafka.all(SharedStack.EDIT_DLQ, r -> true).size();
        assertEquals(0, otherLetters, "nothing else was dead-lettered (an event that could not be published would be)");
        return new Report(succeeded, replayed, failed, takenOver, poisoned, maxUnmarked);
    }

    /** Every partition of both request topics is consumed to its end: none stalled. */
    void awaitNoLag(LocalStack stack, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Map<TopicPartition, Long> lag = Map.of();
        try (Admin admin = stack.kafka().admin()) {
            while (Instant.now().isBefore(deadline)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("recaption-worker")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (String topic : List.of(SharedStack.INVERSION_REQUESTS, SharedStack.EDIT_REQUESTS)) {
                    for (int p = 0; p < FleetIT.PARTITIONS; p++) {
                        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                    }
                }
                var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                lag = ends.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()
                        - Optional.ofNullable(committed.get(e.getKey())).map(OffsetAndMetadata::offset).orElse(0L)));
                if (lag.values().stream().allMatch(l -> l == 0)) {
                    System.out.println("[fleet] every partition consumed to its end: " + ends.size() + " partitions, lag 0");
                    return;
                }
                Thread.sleep(1000);
            }
        }
        fail("partitions left with lag (stalled): " + lag);
    }

    @Override
    public void close() {
        s3.close();
    }
}
