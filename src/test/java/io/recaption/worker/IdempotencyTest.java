package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.kafka.Requeuer;
import io.recaption.worker.kafka.JobRunner;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Ids bound to content, through the real topics and S3: a re-sent id with the same content is a replay, with
 * other content {@code ID_CONFLICT} (nothing overwritten); a job whose starts all died is {@code POISON}; an
 * edit waits for an inversion that is not complete yet, fails {@code INVERSION_FAILED} for a failed one and
 * {@code MODEL_MISMATCH} for one made by another model.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class IdempotencyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PHOTO = "uploads/idempotency/photo.png";

    private static TestKafka kafka;
    private static S3Client s3;

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @BeforeAll
    static void setUp() {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
        s3.close();
    }

    @BeforeEach
    void fastEngine() {
        engine.setStepDelay(Duration.ZERO);
        engine.setModel("test-engine");
    }

    @Test
    void aReSentIdWithOtherContentIsAConflictAndOverwritesNothing() throws Exception {
        String id = Requests.newId("conflict");
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode first = inversionEvent(id, e -> true);
        assertEquals("succeeded", first.path("status").asText());
        byte[] manifest = object(store.inversionPrefix(null, id) + "manifest.json");

        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode replay = inversionEvent(id, e -> e.path("replayed").asBoolean());
        assertEquals(first.path("artifacts"), replay.path("artifacts"), "a replay answers from the stored result");

        var other = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a dog " + id);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, other);
        JsonNode conflict = inversionEvent(id, e -> "failed".equals(e.path("status").asText()));
        System.out.println("re-sent with another caption: " + conflict);
        assertEquals("ID_CONFLICT", conflict.path("error").path("code").asText());
        assertFalse(conflict.path("replayed").asBoolean());
        assertArrayEquals(manifest, object(store.inversionPrefix(null, id) + "manifest.json"), "the manifest is untouched");
        assertEquals("succeeded", status(store.inversionPrefix(null, id)).path("state").asText(), "so is the status");
        assertEquals(1, engine.inversions("a cat " + id));
        assertEquals(0, engine.inversions("a dog " + id));

        // the same photo key overwritten with other bytes is other content too (the object's ETag is hashed)
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key("uploads/idempotency/" + id + ".png"),
                RequestBody.fromBytes(TestImages.photo()));
        String id2 = Requests.newId("conflict-etag");
        var byKey = Requests.inversion(id2, SharedStack.UPLOADS_BUCKET, "uploads/idempotency/" + id + ".png", "a cat");
        kafka.send(SharedStack.INVERSION_REQUESTS, id2, byKey);
        assertEquals("succeeded", inversionEvent(id2, e -> true).path("status").asText());
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key("uploads/idempotency/" + id + ".png"),
                RequestBody.fromBytes(TestImages.photo(31)));
        kafka.send(SharedStack.INVERSION_REQUESTS, id2, byKey);
        assertEquals("ID_CONFLICT", inversionEvent(id2, e -> "failed".equals(e.path("status").asText()))
                .path("error").path("code").asText(), "same request, but the photo under its key changed");

        // edits: same editId, other caption
        String editId = Requests.newId("conflict-edit");
        kafka.send(SharedStack.EDIT_REQUESTS, editId, Requests.edit(editId, id, "a tiger " + id));
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", editId, TIMEOUT).path("status").asText());
        kafka.send(SharedStack.EDIT_REQUESTS, editId, Requests.edit(editId, id, "a lion " + id));
        JsonNode editConflict = TestKafka.json(kafka.await(SharedStack.EDIT_EVENTS, r -> editId.equals(TestKafka.json(r)
                .path("editId").asText()) && "failed".equals(TestKafka.json(r).path("status").asText()), TIMEOUT));
        assertEquals("ID_CONFLICT", editConflict.path("error").path("code").asText());
    }

    @Test
    void aJobWhoseStartsAllDiedIsPoisonDeadLetteredOnceAndAnsweredFailed() throws Exception {
        String id = Requests.newId("poison");
        // three starts, each of whose workers died: the lease left by the last one has expired while held
        Lease dead = new Lease("worker-that-died", 3, "a3-00000000", 2, Instant.now().minusSeconds(1),
                Instant.now().minusSeconds(10), "", Lease.State.HELD);
        s3.putObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(store.inversionPrefix(null, id) + "lease.json"),
                RequestBody.fromBytes(Leases.bytes(dead)));
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        ConsumerRecord<String, byte[]> letter = kafka.awaitDeadLetter(SharedStack.INVERSION_DLQ, id, TIMEOUT);
        assertEquals("POISON", TestKafka.header(letter, JobRunner.ERROR_CODE_HEADER));
        JsonNode event = inversionEvent(id, e -> true);
        System.out.println("poison: " + event + "; dead letter: " + TestKafka.header(letter, "dead-letter-reason"));
        assertEquals("POISON", event.path("error").path("code").asText());
        assertEquals("POISON", status(store.inversionPrefix(null, id)).path("error").path("code").asText());
        assertEquals(0, engine.inversions("a cat " + id), "not started a fourth time");

        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode replay = inversionEvent(id, e -> e.path("replayed").asBoolean());
        assertEquals("POISON", replay.path("error").path("code").asText(), "a re-sent poison is answered, not run");
        Thread.sleep(1000);
        assertEquals(1, kafka.all(SharedStack.INVERSION_DLQ, r -> id.equals(r.key())).size(), "dead-lettered once");
    }

    @Test
    void aRunWhoseLeaseIsTakenOverStopsAndTheJobStillCompletesOnce() throws Exception {
        engine.setStepDelay(Duration.ofMillis(100));
        String id = Requests.newId("taken-over");
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id);
        request.with("options").put("steps", 40).put("innerSteps", 0);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        String leaseKey = store.inversionPrefix(null, id) + "lease.json";
        JsonNode running = null;
        for (int i = 0; i < 300 && (running == null || !"running".equals(running.path("state").asText())); i++) {
            Thread.sleep(100);
            running = store.readJson(store.inversionPrefix(null, id) + "status.json").orElse(null);
        }
        Lease ours = Leases.parse(object(leaseKey));
        // another worker (presumed the holder died) takes the lease over behind the running job's back
        Lease intruder = new Lease("intruder", ours.attempt() + 1, "a" + (ours.attempt() + 1) + "-intruder", 0,
                Instant.now().plusSeconds(3), Instant.now(), ours.requestHash(), Lease.State.HELD);
        s3.putObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(leaseKey), RequestBody.fromBytes(Leases.bytes(intruder)));
        JsonNode event = inversionEvent(id, e -> true);
        System.out.println("after its lease was taken over: " + event);
        assertEquals("succeeded", event.path("status").asText());
        assertFalse(event.path("replayed").asBoolean());
        assertFalse(event.path("attemptId").asText().equals(ours.attemptId()), "the run that lost its lease did not publish");
        assertEquals("succeeded", status(store.inversionPrefix(null, id)).path("state").asText());
        Thread.sleep(1000);
        assertEquals(1, kafka.all(SharedStack.INVERSION_EVENTS, r -> id.equals(TestKafka.json(r).path("requestId").asText())).size());
    }

    @Test
    void anEditWaitsForItsInversionAndFailsForAFailedOrAnotherModelsOne() throws Exception {
        String inversionId = Requests.newId("later");
        String editId = Requests.newId("early-edit");
        kafka.send(SharedStack.EDIT_REQUESTS, editId, Requests.edit(editId, inversionId, "a tiger " + inversionId));
        Thread.sleep(1500);
        assertEquals("queued", status(store.editPrefix(null, editId)).path("state").asText(), "the edit waits, queued");
        kafka.send(SharedStack.INVERSION_REQUESTS, inversionId,
                Requests.inversion(inversionId, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + inversionId));
        JsonNode edited = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", editId, TIMEOUT);
        System.out.println("edit sent before its inversion: " + edited);
        assertEquals("succeeded", edited.path("status").asText());

        String failedInversion = Requests.newId("failed-inversion");
        kafka.send(SharedStack.INVERSION_REQUESTS, failedInversion,
                Requests.inversion(failedInversion, SharedStack.UPLOADS_BUCKET, "uploads/idempotency/missing.png", "a cat"));
        assertEquals("IMAGE_NOT_FOUND", inversionEvent(failedInversion, e -> true).path("error").path("code").asText());
        String ofFailed = Requests.newId("edit-of-failed");
        kafka.send(SharedStack.EDIT_REQUESTS, ofFailed, Requests.edit(ofFailed, failedInversion, "a tiger"));
        assertEquals("INVERSION_FAILED", kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", ofFailed, TIMEOUT)
                .path("error").path("code").asText());

        String unknown = Requests.newId("edit-of-unknown");
        long start = System.nanoTime();
        kafka.send(SharedStack.EDIT_REQUESTS, unknown, Requests.edit(unknown, Requests.newId("never"), "a tiger"));
        JsonNode notFound = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", unknown, TIMEOUT);
        double waited = (System.nanoTime() - start) / 1e9;
        System.out.printf("edit of an unknown inversion: %s after %.1f s%n", notFound.path("error").path("code").asText(), waited);
        assertEquals("INVERSION_NOT_FOUND", notFound.path("error").path("code").asText());
        assertTrue(waited >= WorkerTestProfile.INVERSION_WAIT.toSeconds(), "only after the wait");

        // each copy put back is counted in its header (1, 2, 3, …), and the count bounds the wait on its own: a record
        // that says it was put back max-requeues times ends at once, whatever its times say
        try (TestKafka requests = new TestKafka(SharedStack.get().kafka().bootstrapServers(), List.of(SharedStack.EDIT_REQUESTS))) {
            requests.await(SharedStack.EDIT_REQUESTS, r -> unknown.equals(r.key())
                    && "3".equals(TestKafka.header(r, Requeuer.REQUEUES_HEADER)), TIMEOUT);
            List<String> counts = requests.all(SharedStack.EDIT_REQUESTS, r -> unknown.equals(r.key())).stream()
                    .map(r -> TestKafka.header(r, Requeuer.REQUEUES_HEADER)).toList();
            System.out.println("requeue counts of " + unknown + ": " + counts);
            assertTrue(counts.size() >= 3, counts.toString());
            for (int i = 0; i < counts.size(); i++) {
                assertEquals(i == 0 ? null : Integer.toString(i), counts.get(i), "the copy's count: " + counts);
            }
        }
        String worn = Requests.newId("edit-requeued-too-often");
        long wornStart = System.nanoTime();
        kafka.send(SharedStack.EDIT_REQUESTS, worn, Requests.edit(worn, Requests.newId("never"), "a tiger").toString(),
                Requeuer.REQUEUES_HEADER, "1000");
        JsonNode wornOut = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", worn, TIMEOUT);
        assertEquals("INVERSION_NOT_FOUND", wornOut.path("error").path("code").asText(), wornOut.toString());
        assertTrue(wornOut.path("error").path("message").asText().contains("put back 1000 times"), wornOut.toString());
        assertTrue((System.nanoTime() - wornStart) / 1e9 < WorkerTestProfile.INVERSION_WAIT.toSeconds(),
                "ended by its count, before the time bound");

        // a client that claims its edit was first seen in 2100 (the worker's requeue header) does not wait for ever:
        // the claim is clamped to the record's own timestamp, so the edit ends after the same bounded wait
        String forged = Requests.newId("edit-forged-first-seen");
        kafka.send(SharedStack.EDIT_REQUESTS, forged, Requests.edit(forged, Requests.newId("never"), "a tiger").toString(),
                Requeuer.FIRST_SEEN_HEADER, Long.toString(Instant.parse("2100-01-01T00:00:00Z").toEpochMilli()));
        assertEquals("INVERSION_NOT_FOUND", kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", forged, TIMEOUT)
                .path("error").path("code").asText(), "a forged first-seen time is clamped");
        assertEquals("failed", status(store.editPrefix(null, forged)).path("state").asText());

        engine.setModel("another-checkpoint");
        String mismatch = Requests.newId("other-model-edit");
        kafka.send(SharedStack.EDIT_REQUESTS, mismatch, Requests.edit(mismatch, inversionId, "a lion " + inversionId));
        JsonNode refused = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", mismatch, TIMEOUT);
        System.out.println("edit on a worker with another model: " + refused);
        assertEquals("MODEL_MISMATCH", refused.path("error").path("code").asText());
        JsonNode manifest = Requests.JSON.readTree(object(store.inversionPrefix(null, inversionId) + "manifest.json"));
        assertTrue(manifest.path("model").path("hash").asText().startsWith("sha256:"), "the manifest records the model's hash");
        assertFalse(manifest.toString().contains("/model"), "and no local path");
    }

    private JsonNode inversionEvent(String id, java.util.function.Predicate<JsonNode> which) {
        return TestKafka.json(kafka.await(SharedStack.INVERSION_EVENTS, r -> {
            JsonNode event = TestKafka.json(r);
            return id.equals(event.path("requestId").asText()) && which.test(event);
        }, TIMEOUT));
    }

    private JsonNode status(String prefix) throws Exception {
        return Requests.JSON.readTree(object(prefix + "status.json"));
    }

    private byte[] object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key)).asByteArray();
    }

}
