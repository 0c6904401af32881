package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.devstack.S3Server;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 unreachable for a while: the real s3proxy process is stopped and started again on the same port. An
 * outage is waited out, never turned into failed events: requests queued during it all succeed afterwards,
 * readiness is down meanwhile, and a job whose upload meets the outage keeps its finished outputs and retries
 * only the upload (the engine runs once).
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class StorageOutageTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final String PHOTO = "uploads/outage/photo.png";

    private static TestKafka kafka;

    @Inject
    TestJobEngine engine;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    private S3Server s3;

    @BeforeAll
    static void setUp() {
        kafka = TestKafka.forSharedStack();
        try (S3Client client = SharedStack.get().s3().client()) {
            client.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
        }
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
    }

    @BeforeEach
    void server() {
        s3 = SharedStack.get().s3();
        engine.setStepDelay(Duration.ZERO);
    }

    @AfterEach
    void s3IsBack() {
        s3.start();
    }

    @Test
    void aShortOutageIsRiddenOutByRetries() throws Exception {
        s3.stop();
        assertEquals(503, readinessStatus(), "not ready while S3 is down");
        String id = Requests.newId("short-outage");
        long start = System.nanoTime();
        kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
        Thread.sleep(1500);
        s3.start();
        System.out.printf("S3 back after %.1f s%n", (System.nanoTime() - start) / 1e9);
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.printf("short outage: %s after %.1f s%n", event.path("status").asText(), (System.nanoTime() - start) / 1e9);
        assertEquals("succeeded", event.path("status").asText(), event.toString());
        assertEquals(200, readinessStatus(), "ready again");
    }

    @Test
    void aTwentySecondOutageFailsNothingQueuedDuringIt() throws Exception {
        s3.stop();
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = Requests.newId("long-outage-" + i);
            ids.add(id);
            kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
        }
        Thread.sleep(OUTAGE.toMillis() / 2);
        assertEquals(503, readinessStatus(), "not ready during the outage");
        Thread.sleep(OUTAGE.toMillis() / 2);
        for (String id : ids) {
            assertTrue(events(id).isEmpty(), "nothing answered during the outage: " + events(id));
        }
        s3.start();
        System.out.printf("S3 back after %.1f s%n", (System.nanoTime() - start) / 1e9);
        for (String id : ids) {
            JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
            System.out.printf("%s: %s after %.1f s%n", id, event.path("status").asText(), (System.nanoTime() - start) / 1e9);
            assertEquals("succeeded", event.path("status").asText(), event.toString());
        }
        assertEquals(200, readinessStatus(), "ready again");
    }

    @Test
    void anOutageDuringTheUploadKeepsTheFinishedWorkAndRetriesOnlyTheUpload() throws Exception {
        engine.setStepDelay(Duration.ofMillis(100));
        String id = Requests.newId("upload-outage");
        String caption = "a cat " + id;
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, caption);
        request.with("options").put("steps", 30);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        awaitRunning(id);
        s3.stop();
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(12).toMillis());
        assertEquals(1, engine.inversions(caption), "the engine finished while S3 was down");
        assertTrue(events(id).isEmpty(), "no event before the upload");
        s3.start();
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.printf("upload outage: %s %.1f s after S3 went down%n", event.path("status").asText(), (System.nanoTime() - start) / 1e9);
        assertEquals("succeeded", event.path("status").asText(), event.toString());
        assertEquals(1, engine.inversions(caption), "the engine ran once: only the upload was retried");
    }

    private void awaitRunning(String id) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        try (S3Client client = s3.client()) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    JsonNode status = Requests.JSON.readTree(client.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET)
                            .key("inversions/" + id + "/status.json")).asByteArray());
                    if ("running".equals(status.path("state").asText())) {
                        return;
                    }
                } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException notYet) {
                    // not accepted yet
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError(id + " never ran");
    }

    private List<JsonNode> events(String id) {
        return kafka.all(SharedStack.INVERSION_EVENTS, r -> id.equals(TestKafka.json(r).path("requestId").asText()))
                .stream().map(TestKafka::json).toList();
    }

    private int readinessStatus() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(readiness.toURI()).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("readiness " + response.statusCode() + ": " + response.body());
        return response.statusCode();
    }
}
