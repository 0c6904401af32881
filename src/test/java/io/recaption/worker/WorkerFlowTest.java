package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The worker end to end through Kafka, S3 and HTTP: an inversion, two edits, a redelivery, status and health. */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class WorkerFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PHOTO_KEY = "uploads/flow/chelsea.png";

    private static TestKafka kafka;
    private static S3Client s3;

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void connect() {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO_KEY), RequestBody.fromBytes(TestImages.photo()));
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
        s3.close();
    }

    @BeforeEach
    void fastEngine() {
        engine.setStepDelay(Duration.ZERO);
    }

    @Test
    void inversionThenTwoEdits() throws Exception {
        String inversionId = Requests.newId("flow");
        String caption = "a cat sitting on a wooden floor " + inversionId;
        kafka.send(SharedStack.INVERSION_REQUESTS, inversionId,
                Requests.inversion(inversionId, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, caption));
        JsonNode inverted = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", inversionId, TIMEOUT);
        System.out.println("inversion event: " + inverted);
        assertEquals("succeeded", inverted.path("status").asText());
        assertEquals(inversionId, inverted.path("inversionId").asText());
        JsonNode artifacts = inverted.path("artifacts");
        JsonNode manifest = Requests.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET)
                .key(artifacts.path("manifestKey").asText())).asByteArray());
        assertTrue(manifest.path("psnr").isNumber(), manifest.toString());
        assertEquals(manifest.path("psnr").asDouble(), inverted.path("metrics").path("psnr").asDouble(), 0.0,
                "the event's PSNR is the manifest's");
        String prefix = store.inversionPrefix(null, inversionId);
        assertEquals(prefix, artifacts.path("prefix").asText());
        for (String field : new String[] {"latentsKey", "nullEmbeddingsKey", "reconstructionKey", "manifestKey"}) {
            String key = artifacts.path(field).asText();
            assertTrue(key.startsWith(prefix), field);
            assertTrue(s3.headObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key)).contentLength() > 0, key);
        }
        assertNotNull(decode(artifacts.path("reconstructionKey").asText()));
        JsonNode status = get("/inversions/" + inversionId, 200);
        assertEquals("succeeded", status.path("state").asText());
        assertEquals(1.0, status.path("progress").asDouble());
        assertTrue(status.has("startedAt") && status.has("finishedAt") && status.has("seconds"), status.toString());

        // a word swap and an emphasis, both rendered from the one stored inversion
        String swapId = Requests.newId("swap");
        String swapCaption = "a tiger sitting on a wooden floor " + inversionId;
        var swap = Requests.edit(swapId, inversionId, swapCaption);
        swap.putArray("localBlend").add("cat").add("tiger");
        swap.put("crossReplaceSteps", 0.8);
        swap.put("selfReplaceSteps", 0.4);
        kafka.send(SharedStack.EDIT_REQUESTS, swapId, swap);
        String emphasisId = Requests.newId("emphasis");
        String emphasisCaption = "a fluffy cat sitting on a wooden floor " + inversionId;
        var emphasis = Requests.edit(emphasisId, inversionId, emphasisCaption);
        emphasis.putObject("emphasis").put("fluffy", 2.5);
        kafka.send(SharedStack.EDIT_REQUESTS, emphasisId, emphasis);
        for (String editId : new String[] {swapId, emphasisId}) {
            JsonNode edited = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", editId, TIMEOUT);
            System.out.println("edit event: " + edited);
            assertEquals("succeeded", edited.path("status").asText());
            assertEquals(inversionId, edited.path("inversionId").asText());
            assertEquals(store.editPrefix(null, editId) + edited.path("attemptId").asText() + "/image.png",
                    edited.path("imageKey").asText(), "the image lies under its attempt's prefix");
            BufferedImage image = decode(edited.path("imageKey").asText());
            assertEquals(64, image.getWidth());
            assertEquals("succeeded", get("/edits/" + editId, 200).path("state").asText());
        }
        assertEquals(1, engine.edits(swapCaption));
        assertEquals(1, engine.edits(emphasisCaption));
        JsonNode emphasisManifest = store.readJson(store.editPrefix(null, emphasisId) + "manifest.json").orElseThrow();
        assertEquals(2.5, emphasisManifest.path("emphasis").path("fluffy").asDouble());
    }

    @Test
    void redeliveredRequestIsAnsweredFromItsManifest() throws Exception {
        String id = Requests.newId("redelivered");
        String caption = "a cat on a floor " + id;
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, caption);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode first = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        String manifestKey = first.path("artifacts").path("manifestKey").asText();
        byte[] manifest = s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(manifestKey)).asByteArray();

        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode second = TestKafka.json(kafka.await(SharedStack.INVERSION_EVENTS, r -> {
            JsonNode event = TestKafka.json(r);
            return id.equals(event.path("requestId").asText()) && event.path("replayed").asBoolean();
        }, TIMEOUT));
        System.out.println("replayed event: " + second);
        assertEquals("succeeded", second.path("status").asText());
        assertEquals(first.path("artifacts"), second.path("artifacts"));
        assertEquals(1, engine.inversions(caption), "the engine ran once");
        assertArrayEquals(manifest,
                s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(manifestKey)).asByteArray(),
                "the manifest was not rewritten");
    }

    @Test
    void progressIsReportedWhileAJobRunsAndLivenessStaysUp() throws Exception {
        engine.setStepDelay(Duration.ofMillis(150));
        String id = Requests.newId("slow");
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, "a slow cat " + id);
        request.with("options").put("steps", 30);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        Instant deadline = Instant.now().plus(TIMEOUT);
        double seen = -1;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = send("/inversions/" + id);
            if (response.statusCode() == 200) {
                JsonNode status = Requests.JSON.readTree(response.body());
                double progress = status.path("progress").asDouble();
                if ("running".equals(status.path("state").asText()) && progress > 0 && progress < 1) {
                    seen = progress;
                    assertEquals(TestJobEngine.PHASE, status.path("phase").asText(), status.toString());
                    break;
                }
            }
            Thread.sleep(100);
        }
        assertTrue(seen > 0, "a running status with 0 < progress < 1 was served");
        System.out.println("progress seen while running: " + seen);
        JsonNode live = get("/q/health/live", 200);
        assertEquals("UP", live.path("status").asText());
        System.out.println("liveness during the job: " + live);
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT).path("status").asText());
    }

    /**
     * An input written straight into the S3 server's storage has no ETag (stores and proxies differ in what HEAD
     * returns): the request's identity is the bytes the worker read, so it is inverted, replayed when re-sent and
     * edited like any other.
     */
    @Test
    void anInputWithoutAnETagIsInvertedReplayedAndEdited() throws Exception {
        String id = Requests.newId("no-etag");
        String key = "uploads/flow/" + id + ".png";
        Path stored = SharedStack.workDir().resolve("s3").resolve("data").resolve(SharedStack.UPLOADS_BUCKET).resolve(key);
        Files.createDirectories(stored.getParent());
        Files.write(stored, TestImages.photo());
        String etag = s3.headObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(key)).eTag();
        assertTrue(etag == null || etag.isEmpty() || etag.equals("\"\""), "the object has no ETag: " + etag);

        String caption = "a cat on a floor " + id;
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, key, caption);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode first = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        assertEquals("succeeded", first.path("status").asText(), first.toString());
        assertEquals("succeeded", get("/inversions/" + id, 200).path("state").asText());

        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode second = TestKafka.json(kafka.await(SharedStack.INVERSION_EVENTS, r -> {
            JsonNode event = TestKafka.json(r);
            return id.equals(event.path("requestId").asText()) && event.path("replayed").asBoolean();
        }, TIMEOUT));
        assertEquals("succeeded", second.path("status").asText(), second.toString());
        assertEquals(1, engine.inversions(caption), "the re-sent request was replayed, not run again");

        String editId = Requests.newId("no-etag-edit");
        kafka.send(SharedStack.EDIT_REQUESTS, editId, Requests.edit(editId, id, "a dog on a floor " + id));
        JsonNode edited = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", editId, TIMEOUT);
        assertEquals("succeeded", edited.path("status").asText(), edited.toString());
    }

    /**
     * A failure nobody planned for (here an unreadable manifest under the id) answers WORKER_ERROR, and the status
     * says so too: a job the REST endpoint shows as running forever is a job its client polls forever.
     */
    @Test
    void anUnexpectedFailureLeavesTheStatusFailedWithTheEventsCode() throws Exception {
        String id = Requests.newId("unexpected");
        s3.putObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(store.inversionPrefix(null, id) + "manifest.json"),
                RequestBody.fromString("{not a manifest"));
        kafka.send(SharedStack.INVERSION_REQUESTS, id,
                Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, "a cat " + id));
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        assertEquals("failed", event.path("status").asText(), event.toString());
        assertEquals("WORKER_ERROR", event.path("error").path("code").asText(), event.toString());
        JsonNode status = get("/inversions/" + id, 200);
        assertEquals("failed", status.path("state").asText(), status.toString());
        assertEquals("WORKER_ERROR", status.path("error").path("code").asText(), status.toString());
    }

    @Test
    void unknownIdsAreNotFound() throws Exception {
        assertEquals(404, send("/inversions/" + Requests.newId("unknown")).statusCode());
        assertEquals(404, send("/edits/" + Requests.newId("unknown")).statusCode());
        assertEquals(404, send("/inversions/..%2F..%2Fetc").statusCode());
    }

    @Test
    void readinessOpenApiAndMetrics() throws Exception {
        JsonNode ready = get("/q/health/ready", 200);
        System.out.println("readiness: " + ready);
        assertEquals("UP", ready.path("status").asText());
        assertTrue(ready.toString().contains("recaption-worker"), "the worker's own readiness check is listed");
        String openApi = send("/q/openapi").body();
        assertTrue(openApi.contains("/inversions/{id}") && openApi.contains("/edits/{id}"), "OpenAPI lists the status endpoints");
        String id = Requests.newId("metered");
        kafka.send(SharedStack.INVERSION_REQUESTS, id, Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, "a cat " + id));
        kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        String metrics = send("/q/metrics").body();
        assertTrue(metrics.contains("recaption_job_running"), "the worker's meters are exported");
        for (String meter : new String[] {"recaption_job_running_age_seconds", "recaption_jobs_total{code=",
                "recaption_job_duration_seconds_bucket{", "recaption_job_queue_wait_seconds_bucket{",
                "recaption_job_engine_seconds_bucket{"}) {
            assertTrue(metrics.contains(meter), meter + " is exported:\n" + metrics.lines()
                    .filter(l -> l.startsWith("recaption_")).limit(20).toList());
        }
    }

    private BufferedImage decode(String key) throws IOException {
        byte[] png = s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key)).asByteArray();
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = send(path);
        assertEquals(expectedStatus, response.statusCode(), path + ": " + response.body());
        return Requests.JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String path) throws Exception {
        URI uri = base.toURI().resolve(path.startsWith("/") ? path.substring(1) : path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
