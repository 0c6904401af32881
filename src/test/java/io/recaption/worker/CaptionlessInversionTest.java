package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A worker without a captioning model answers a caption-less request with CAPTION_REQUIRED and runs nothing. */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class CaptionlessInversionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PHOTO_KEY = "uploads/captionless/photo.png";

    private static TestKafka kafka;
    private static S3Client s3;

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @BeforeAll
    static void connect() {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO_KEY), RequestBody.fromBytes(TestImages.photo(12)));
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
        s3.close();
    }

    @Test
    void aCaptionLessRequestFailsWithCaptionRequiredAndNothingRuns() throws Exception {
        String id = Requests.newId("no-caption");
        ObjectNode request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, null);
        request.remove("caption");
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.println("event: " + event);
        assertEquals("failed", event.path("status").asText(), event.toString());
        assertEquals("CAPTION_REQUIRED", event.path("error").path("code").asText());
        assertTrue(event.path("error").path("message").asText().contains("send a caption"), event.toString());
        assertFalse(event.has("caption") || event.has("captionSource"), "no caption was used: " + event);
        assertFalse(store.exists(store.inversionPrefix(null, id) + JobEngine.MANIFEST), "nothing was inverted");

        assertEquals(0, engine.inversions(""), "the engine was never called with an empty caption");
    }
}
