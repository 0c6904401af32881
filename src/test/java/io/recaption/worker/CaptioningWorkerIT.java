package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.artifacts.ImageFiles;
import io.recaption.model.blip.BlipModelIdentity;
import io.recaption.pipeline.PhotoCaptioner;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A worker with a captioning model (the tiny BLIP) through Kafka and S3: a request without a caption is inverted
 * with the model's caption of the photo, and the event and the manifest say so; a request with one is the user's.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(CaptioningTestProfile.class)
class CaptioningWorkerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PHOTO_KEY = "uploads/captioning/photo.png";

    private static TestKafka kafka;
    private static S3Client s3;
    private static String modelCaption;

    @Inject
    TestJobEngine engine;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void connect() {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        byte[] photo = TestImages.photo(11);
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO_KEY), RequestBody.fromBytes(photo));
        // what the captioner says of this photo, asked directly, to compare with what the worker inverted
        try (PhotoCaptioner captioner = PhotoCaptioner.load(CaptioningTestProfile.captioner(), ImageFiles.Limits.defaults())) {
            modelCaption = captioner.caption(photo).text();
        }
        System.out.println("the tiny BLIP's caption of the photo: " + modelCaption);
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
        s3.close();
    }

    @Test
    void aCaptionLessRequestIsInvertedWithTheModelsCaptionAndSaysSo() throws Exception {
        String id = Requests.newId("model-caption");
        ObjectNode request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, null);
        request.remove("caption");
        int before = engine.inversions(modelCaption);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.println("inversion event: " + event);
        assertEquals("succeeded", event.path("status").asText(), event.toString());
        assertEquals(modelCaption, event.path("caption").asText());
        assertEquals("model", event.path("captionSource").asText());
        assertEquals(before + 1, engine.inversions(modelCaption), "the engine inverted the model's caption");

        JsonNode manifest = Requests.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET)
                .key(event.path("artifacts").path("manifestKey").asText())).asByteArray());
        BlipModelIdentity identity = BlipModelIdentity.of(CaptioningTestProfile.captioner());
        assertEquals(modelCaption, manifest.path("caption").asText());
        assertEquals("model", manifest.path("captionSource").asText());
        assertEquals(identity.name(), manifest.path("captioner").path("name").asText());
        assertEquals(identity.configSha256(), manifest.path("captioner").path("configSha256").asText());

        // redelivered: answered from the manifest with the same caption, nothing captioned or inverted again
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode replay = TestKafka.json(kafka.await(SharedStack.INVERSION_EVENTS, r -> {
            JsonNode e = TestKafka.json(r);
            return id.equals(e.path("requestId").asText()) && e.path("replayed").asBoolean();
        }, TIMEOUT));
        assertEquals(modelCaption, replay.path("caption").asText());
        assertEquals("model", replay.path("captionSource").asText());
        assertEquals(before + 1, engine.inversions(modelCaption), "ran once");

        // the same id with a caption (even the model's own) is other content
        String conflictId = id;
        kafka.send(SharedStack.INVERSION_REQUESTS, conflictId,
                Requests.inversion(conflictId, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, modelCaption));
        JsonNode conflict = TestKafka.json(kafka.await(SharedStack.INVERSION_EVENTS, r -> {
            JsonNode e = TestKafka.json(r);
            return conflictId.equals(e.path("requestId").asText()) && "failed".equals(e.path("status").asText());
        }, TIMEOUT));
        assertEquals("ID_CONFLICT", conflict.path("error").path("code").asText(), conflict.toString());
    }

    @Test
    void aCaptionedRequestIsTheUsersAndNamesNoCaptioner() throws Exception {
        String id = Requests.newId("user-caption");
        String caption = "a photo of shapes " + id;
        kafka.send(SharedStack.INVERSION_REQUESTS, id,
                Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, caption));
        JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        assertEquals("succeeded", event.path("status").asText(), event.toString());
        assertEquals(caption, event.path("caption").asText());
        assertEquals("user", event.path("captionSource").asText());
        JsonNode manifest = Requests.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET)
                .key(event.path("artifacts").path("manifestKey").asText())).asByteArray());
        assertEquals("user", manifest.path("captionSource").asText());
        assertFalse(manifest.has("captioner"), manifest.toString());
    }

    @Test
    void startupWaitsForTheCaptionerAndReportsItLoaded() throws Exception {
        HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                base.toURI().resolve("q/health/started")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, started.statusCode(), started.body());
        assertTrue(started.body().contains("recaption-model"), started.body());
    }
}
