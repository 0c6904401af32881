package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Bounded work and tenancy through the real topics: the deadline ({@code JOB_TIMEOUT}), the watchdog (liveness
 * down while a job makes no progress), the UNet budget ({@code BUDGET_EXCEEDED}), the input prefixes
 * ({@code INPUT_NOT_ALLOWED}, also for another user's artifacts), and failed events whose messages are the
 * worker's own words, never an exception's text.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class JobLimitsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PHOTO = "uploads/limits/photo.png";
    /** What an exception's text or a class name looks like in a message. */
    private static final Pattern LEAK = Pattern.compile("Exception|Error:|\\bat [a-z]+\\.|java\\.|io\\.recaption|software\\.amazon|/tmp/");

    private static TestKafka kafka;
    private static S3Client s3;

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @TestHTTPResource("/q/health/live")
    URL liveness;

    @BeforeAll
    static void setUp() {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO), RequestBody.fromBytes(TestImages.photo()));
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key("private/limits/photo.png"), RequestBody.fromBytes(TestImages.photo()));
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
        s3.close();
    }

    @BeforeEach
    void fastEngine() {
        engine.setStepDelay(Duration.ZERO);
    }

    @AfterEach
    void released() {
        engine.release();
    }

    @Test
    void aJobPastItsDeadlineFailsWithJobTimeout() throws Exception {
        engine.setStepDelay(Duration.ofSeconds(1));
        String id = Requests.newId("deadline");
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a slow cat " + id);
        request.with("options").put("steps", (int) WorkerTestProfile.DEADLINE.toSeconds() + 15).put("innerSteps", 0);
        long start = System.nanoTime();
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("past the deadline (%s): %s after %.1f s%n", WorkerTestProfile.DEADLINE, event, seconds);
        assertEquals("JOB_TIMEOUT", event.path("error").path("code").asText());
        assertTrue(seconds < WorkerTestProfile.DEADLINE.toSeconds() + 15, "stopped between steps, not run to the end");
        assertEquals("JOB_TIMEOUT", status(store.inversionPrefix(null, id)).path("error").path("code").asText());
        assertClean(event);
    }

    @Test
    void aJobThatMakesNoProgressFailsLivenessUntilItMovesAgain() throws Exception {
        assertEquals(200, live().statusCode());
        engine.hangNextStep();
        String id = Requests.newId("hung");
        kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
        HttpResponse<String> down = null;
        for (int i = 0; i < 100 && (down == null || down.statusCode() != 503); i++) {
            Thread.sleep(200);
            down = live();
        }
        System.out.println("liveness while the job hangs: " + down.statusCode() + " " + down.body());
        assertEquals(503, down.statusCode(), "a hung job fails liveness after " + WorkerTestProfile.STALL_TIMEOUT);
        assertTrue(down.body().contains("stalled"), down.body());
        engine.release();
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT).path("status").asText());
        assertEquals(200, live().statusCode(), "live again once it moved");
    }

    @Test
    void requestsOverTheBudgetOrFromOutsideTheInputPrefixesAreRefused() throws Exception {
        String expensive = Requests.newId("budget");
        var request = Requests.inversion(expensive, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat");
        request.with("options").put("steps", 60).put("innerSteps", 20);
        kafka.send(SharedStack.INVERSION_REQUESTS, expensive, request);
        JsonNode budget = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", expensive, TIMEOUT);
        System.out.println("over the budget: " + budget);
        assertEquals("BUDGET_EXCEEDED", budget.path("error").path("code").asText());
        assertClean(budget);

        String outside = Requests.newId("outside");
        kafka.send(SharedStack.INVERSION_REQUESTS, outside,
                Requests.inversion(outside, SharedStack.UPLOADS_BUCKET, "private/limits/photo.png", "a cat"));
        JsonNode refused = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", outside, TIMEOUT);
        assertEquals("INPUT_NOT_ALLOWED", refused.path("error").path("code").asText());

        // another user's reconstruction, named by its real key in the artifacts bucket
        String victim = Requests.newId("victim");
        kafka.send(SharedStack.INVERSION_REQUESTS, victim, Requests.inversion(victim, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat"));
        String stolenKey = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", victim, TIMEOUT)
                .path("artifacts").path("reconstructionKey").asText();
        String thief = Requests.newId("thief");
        kafka.send(SharedStack.INVERSION_REQUESTS, thief,
                Requests.inversion(thief, SharedStack.ARTIFACTS_BUCKET, stolenKey, "a cat"));
        JsonNode stolen = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", thief, TIMEOUT);
        System.out.println("another user's artifact as input: " + stolen);
        assertEquals("INPUT_NOT_ALLOWED", stolen.path("error").path("code").asText());
        assertClean(stolen);
    }

    @Test
    void failedEventsCarryCodesAndCleanMessages() throws Exception {
        String notImage = Requests.newId("clean");
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key("uploads/limits/notes.png"),
                RequestBody.fromString("not a picture\u001b[31m at all"));
        kafka.send(SharedStack.INVERSION_REQUESTS, notImage,
                Requests.inversion(notImage, SharedStack.UPLOADS_BUCKET, "uploads/limits/notes.png", "a cat"));
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", notImage, TIMEOUT);
        System.out.println("not an image: " + event);
        assertEquals("NOT_AN_IMAGE", event.path("error").path("code").asText());
        assertClean(event);
        String controlKey = Requests.newId("control");
        kafka.send(SharedStack.INVERSION_REQUESTS, controlKey,
                Requests.inversion(controlKey, "evil\u001b[2J\nbucket\u0085", PHOTO, "a cat"));
        JsonNode control = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", controlKey, TIMEOUT);
        System.out.println("a bucket name with control characters: " + control);
        assertEquals("BUCKET_NOT_ALLOWED", control.path("error").path("code").asText());
        assertTrue(control.path("error").path("message").asText().contains("evil?[2J?bucket?"), control.toString());
        assertFalse(control.path("error").path("message").asText().chars().anyMatch(Character::isISOControl), control.toString());
    }

    private static void assertClean(JsonNode event) {
        String message = event.path("error").path("message").asText();
        assertFalse(message.isBlank(), event.toString());
        assertFalse(LEAK.matcher(message).find(), "no exception text or class names: " + message);
    }

    private JsonNode status(String prefix) throws Exception {
        return Requests.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(prefix + "status.json"))
                .asByteArray());
    }

    private HttpResponse<String> live() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(liveness.toURI()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
