package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * 50 inversion requests (and edits interleaved) queued at once: all complete, none is lost, none is done twice
 * (one event and one engine run per id), and the model never runs two jobs at the same time; and the two request
 * topics have threads of their own, so an edit that needs no model is not held behind a running inversion.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class QueueTest {

    private static final int REQUESTS = 50;
    private static final int EDITS = 10;
    private static final String PHOTO = "uploads/queue/photo.png";

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @Test
    void fiftyQueuedRequestsAllCompleteOnceEach() {
        engine.setStepDelay(Duration.ZERO);
        try (TestKafka kafka = TestKafka.forSharedStack(); S3Client s3 = SharedStack.get().s3().client()) {
            s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
            String base = Requests.newId("queue-base");
            kafka.send(SharedStack.INVERSION_REQUESTS, base, Requests.inversion(base, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + base));
            kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", base, Duration.ofSeconds(60));

            long start = System.nanoTime();
            List<String> ids = new ArrayList<>();
            List<String> editIds = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String id = Requests.newId("queued-" + i);
                ids.add(id);
                kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
                if (i % (REQUESTS / EDITS) == 0) {
                    String editId = Requests.newId("queued-edit-" + i);
                    editIds.add(editId);
                    kafka.send(SharedStack.EDIT_REQUESTS, editId, Requests.edit(editId, base, "a tiger " + editId));
                }
            }
            for (String id : ids) {
                assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, Duration.ofSeconds(180))
                        .path("status").asText(), id);
            }
            for (String editId : editIds) {
                assertEquals("succeeded", kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", editId, Duration.ofSeconds(180))
                        .path("status").asText(), editId);
            }
            System.out.printf("%d inversions and %d edits completed in %.1f s%n", REQUESTS, editIds.size(), (System.nanoTime() - start) / 1e9);
            for (String id : ids) {
                List<JsonNode> events = kafka.all(SharedStack.INVERSION_EVENTS, r -> id.equals(TestKafka.json(r).path("requestId").asText()))
                        .stream().map(TestKafka::json).toList();
                assertEquals(1, events.size(), "one event for " + id);
                assertEquals(1, engine.inversions("a cat " + id), "one engine run for " + id);
                assertTrue(store.exists(store.inversionPrefix(null, id) + "manifest.json"), id);
            }
            for (String editId : editIds) {
                assertEquals(1, kafka.all(SharedStack.EDIT_EVENTS, r -> editId.equals(TestKafka.json(r).path("editId").asText())).size());
            }
            assertEquals(1, engine.mostConcurrentJobs(), "the model runs one job at a time across both request topics");
        }
    }

    @Test
    void anEditIsNotHeldBehindARunningInversion() {
        // an inversion holds the model (its step hangs until released); meanwhile an edit of an inversion that
        // never comes waits its 4 s (WorkerTestProfile.INVERSION_WAIT) on its own thread and answers while the
        // inversion still runs (on one shared job thread it could not even start before the inversion ended)
        engine.setStepDelay(Duration.ZERO);
        try (TestKafka kafka = TestKafka.forSharedStack(); S3Client s3 = SharedStack.get().s3().client()) {
            s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
            engine.hangNextStep();
            String slow = Requests.newId("slow-inversion");
            kafka.send(SharedStack.INVERSION_REQUESTS, slow, Requests.inversion(slow, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + slow));
            awaitRunning(store.inversionPrefix(null, slow));
            String waiting = Requests.newId("edit-of-nothing");
            kafka.send(SharedStack.EDIT_REQUESTS, waiting, Requests.edit(waiting, Requests.newId("never"), "a tiger"));

            JsonNode edit = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", waiting, Duration.ofSeconds(30));
            assertEquals("INVERSION_NOT_FOUND", edit.path("error").path("code").asText());
            assertTrue(kafka.all(SharedStack.INVERSION_EVENTS, r -> slow.equals(TestKafka.json(r).path("requestId").asText())).isEmpty(),
                    "the edit answered while the inversion still held the model");
            engine.release();
            assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", slow, Duration.ofSeconds(30))
                    .path("status").asText());
        } finally {
            engine.release();
        }
    }

    /** Until the job's status says it has the model. */
    private void awaitRunning(String prefix) {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!store.readJson(prefix + "status.json").map(s -> "running".equals(s.path("state").asText())).orElse(false)) {
            assertTrue(System.nanoTime() < until, "the inversion never ran");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
