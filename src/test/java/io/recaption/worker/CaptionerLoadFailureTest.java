package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A captioner that cannot be loaded is a model that cannot be loaded: startup, readiness and liveness report it,
 * and the worker takes no record (a request sent meanwhile gets no status and no event).
 */
@Tag("integration")
@QuarkusTest
@TestProfile(CaptionerLoadFailureTestProfile.class)
class CaptionerLoadFailureTest {

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theChecksReportItAndNothingIsConsumed() throws Exception {
        HttpResponse<String> live = awaitStatus("q/health/live", 503);
        System.out.println("liveness with a captioner that cannot be loaded: " + live.body());
        assertTrue(live.body().contains("modelLoadFailure") && live.body().contains("captioner"), live.body());
        assertTrue(live.body().contains(CaptionerLoadFailureTestProfile.MISSING), "names the folder: " + live.body());
        HttpResponse<String> started = get("q/health/started");
        assertEquals(503, started.statusCode(), started.body());
        assertTrue(started.body().contains("captioner"), started.body());
        assertEquals(503, get("q/health/ready").statusCode());

        String id = Requests.newId("captioner-broken");
        try (TestKafka kafka = TestKafka.forSharedStack()) {
            kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET,
                    "uploads/captioner-broken/photo.png", "a cat " + id));
            Thread.sleep(3000);
            assertEquals(0, kafka.all(SharedStack.INVERSION_EVENTS,
                    r -> id.equals(TestKafka.json(r).path("requestId").asText())).size(), "no event");
        }
        assertEquals(404, get("inversions/" + id).statusCode(), "no status: the record was not taken");
    }

    private HttpResponse<String> awaitStatus(String path, int expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        HttpResponse<String> last = get(path);
        while (last.statusCode() != expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            last = get(path);
        }
        assertEquals(expected, last.statusCode(), path + ": " + last.body());
        return last;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.toURI().resolve(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
