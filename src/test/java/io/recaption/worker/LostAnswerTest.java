package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A conditional write whose first try landed but whose answer was lost (a timeout under load) is retried and
 * meets a 412: the worker must recognise its own manifest there and win, not delete its files and answer from
 * "the winner" (itself). The lost answer is staged by writing the run's own manifest, with its attempt id,
 * just before it publishes.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class LostAnswerTest {

    private static final String PHOTO = "uploads/lost-answer/photo.png";

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @Test
    void aRunThatFindsItsOwnManifestWinsAndKeepsItsFiles() throws Exception {
        engine.setStepDelay(Duration.ofMillis(100));
        try (TestKafka kafka = TestKafka.forSharedStack(); S3Client s3 = SharedStack.get().s3().client()) {
            s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
            String id = Requests.newId("lost-answer");
            var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id);
            request.with("options").put("steps", 30).put("innerSteps", 0);
            kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
            String prefix = store.inversionPrefix(null, id);
            Lease lease = null;
            for (int i = 0; i < 300 && lease == null; i++) {
                Thread.sleep(100);
                lease = store.read(prefix + "lease.json").map(v -> Leases.parse(v.bytes())).orElse(null);
            }
            // the run's own manifest, as if its write had landed and only the answer had been lost
            ObjectNode staged = Requests.JSON.createObjectNode();
            staged.put("formatVersion", 1).put("caption", "a cat " + id).put("method", "null-text")
                    .put("createdAt", "2026-01-01T00:00:00Z").put("psnr", 30.0);
            staged.putObject("model").put("name", "test-test-engine").put("hash", engine.model().hash());
            staged.putObject("settings").put("steps", 30).put("guidanceScale", 7.5).put("innerSteps", 0)
                    .put("earlyStopEpsilon", 1e-5).put("learningRate", 0.01);
            staged.putObject("provenance").put("attemptId", lease.attemptId()).put("requestHash", lease.requestHash())
                    .put("workerId", lease.workerId());
            s3.putObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(prefix + "manifest.json"),
                    RequestBody.fromString(staged.toString()));
            JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, Duration.ofSeconds(60));
            System.out.println("a run that found its own manifest: " + event);
            assertEquals("succeeded", event.path("status").asText());
            assertFalse(event.path("replayed").asBoolean(), "it won: not a replay");
            assertEquals(lease.attemptId(), event.path("attemptId").asText());
            for (String file : new String[] {"latents.safetensors", "null-embeddings.safetensors", "reconstruction.png"}) {
                assertTrue(store.exists(prefix + lease.attemptId() + "/" + file), "its " + file + " was kept");
            }
            assertEquals("succeeded", store.readJson(prefix + "status.json").orElseThrow().path("state").asText());
        } finally {
            engine.setStepDelay(Duration.ZERO);
        }
    }
}
