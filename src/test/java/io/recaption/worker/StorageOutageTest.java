package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 unreachable for a while: the real s3proxy process is stopped and started again on the same port. A short
 * outage is ridden out by the worker's retries with backoff; a long one ends in a failed event
 * (STORAGE_UNAVAILABLE) and the worker carries on once S3 is back. Readiness is down while S3 is.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class StorageOutageTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
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
    void aLongOutageEndsInAFailedEventAndTheWorkerCarriesOn() throws Exception {
        s3.stop();
        String id = Requests.newId("long-outage");
        long start = System.nanoTime();
        kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.printf("long outage: %s after %.1f s: %s%n", event.path("status").asText(), (System.nanoTime() - start) / 1e9, event);
        assertEquals("failed", event.path("status").asText());
        assertEquals("STORAGE_UNAVAILABLE", event.path("error").path("code").asText());
        assertFalse(event.path("error").path("message").asText().isBlank());

        s3.start();
        String after = Requests.newId("after-outage");
        kafka.send(SharedStack.INVERSION_REQUESTS, after, Requests.inversion(after, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + after));
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", after, TIMEOUT).path("status").asText());
    }

    private int readinessStatus() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(readiness.toURI()).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("readiness " + response.statusCode() + ": " + response.body());
        return response.statusCode();
    }
}
