package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.SharedStack;
import io.recaption.worker.TestImages;
import io.recaption.worker.TestKafka;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every job has an owner, and only its owner sees it: on an editor with two callers (the shared token, whose jobs
 * belong to {@code api}, and a basic user), the other caller gets 404 for a job, its images, its edits and its
 * history, cannot edit it, cannot invert the first one's upload, and cannot claim to be someone else; a Kafka
 * client that names another owner in an edit is refused by the worker itself; and two owners may use one id.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WebOwnersTest.TwoCallers.class)
class WebOwnersTest {

    static final String TOKEN = "the-token-of-the-owners-test";
    static final String USER = "mallory";
    static final String PASSWORD = "a password of the owners test";

    /** The web test profile (worker included) with credentials, closed. */
    public static class TwoCallers extends WebTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("recaption.web.auth.anonymous", "false");
            config.put("recaption.web.auth.token", TOKEN);
            config.put("recaption.web.auth.username", USER);
            config.put("recaption.web.auth.password", PASSWORD);
            // an edit across owners looks, to the worker, like one whose inversion has not come yet: it waits this long
            config.put("recaption.edit.inversion-wait", "PT3S");
            config.put("recaption.edit.requeue-delay", "PT0.5S");
            return config;
        }
    }

    @TestHTTPResource("/")
    URL base;

    private static TestKafka kafka;
    private ApiClient owner;
    private ApiClient other;

    @BeforeAll
    static void listen() {
        kafka = TestKafka.forSharedStack();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @BeforeEach
    void connect() throws Exception {
        owner = new ApiClient(base.toURI(), Map.of("Authorization", "Bearer " + TOKEN));
        other = new ApiClient(base.toURI(), Map.of("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anotherCallerSeesNothingOfAJobAndCannotEditIt() {
        String key = WebApiFlowTest.upload(owner, TestImages.photo()).path("key").asText();
        assertTrue(key.startsWith("uploads/api/"), "the token's uploads are in its owner's folder: " + key);
        String inversionId = json(owner.postJson("/api/inversions", inversion(key, "a cat on a mat")), 202)
                .path("inversionId").asText();
        assertEquals("succeeded", owner.await("/api/inversions/" + inversionId, ApiClient.finished(), WebApiFlowTest.TIMEOUT)
                .path("status").path("state").asText());
        String editId = json(owner.postJson("/api/edits", edit(inversionId, "a dog on a mat")), 202).path("editId").asText();
        assertEquals("succeeded", owner.await("/api/edits/" + editId, ApiClient.finished(), WebApiFlowTest.TIMEOUT)
                .path("status").path("state").asText());
        assertEquals(1, json(owner.get("/api/inversions/" + inversionId + "/edits"), 200).path("edits").size());
        assertEquals(200, owner.get("/api/inversions/" + inversionId + "/input.png").statusCode());

        for (String path : new String[] {"", "/input.png", "/reconstruction.png", "/edits"}) {
            notFound(other.get("/api/inversions/" + inversionId + path), "INVERSION_NOT_FOUND");
        }
        notFound(other.get("/api/edits/" + editId), "EDIT_NOT_FOUND");
        notFound(other.get("/api/edits/" + editId + "/image.png"), "EDIT_NOT_FOUND");
        notFound(other.postJson("/api/edits", edit(inversionId, "a lion on a mat")), "INVERSION_NOT_FOUND");
        JsonNode stolenPhoto = json(other.postJson("/api/inversions", inversion(key, "a cat")), 400);
        assertEquals("INVALID_IMAGE_KEY", stolenPhoto.path("code").asText(), "another caller's upload: " + stolenPhoto);
    }

    @Test
    void aCallerCannotClaimAnotherOwner() {
        String key = WebApiFlowTest.upload(other, TestImages.photo()).path("key").asText();
        assertTrue(key.startsWith("uploads/" + USER + "/"), key);
        ObjectNode request = inversion(key, "a cat on a mat");
        request.put("owner", "api");
        String inversionId = json(other.postJson("/api/inversions", request), 202).path("inversionId").asText();
        assertEquals("succeeded", other.await("/api/inversions/" + inversionId, ApiClient.finished(), WebApiFlowTest.TIMEOUT)
                .path("status").path("state").asText());
        notFound(owner.get("/api/inversions/" + inversionId), "INVERSION_NOT_FOUND");
    }

    /**
     * Ids are an owner's own: two callers invert under one id, both are accepted and each gets its own job, stored
     * under its owner's folder (tenants/{owner}/inversions/{id}/, what an IAM policy can confine a role to); one
     * caller's id neither blocks nor reveals the other's.
     */
    @Test
    void twoOwnersMayUseOneId() {
        String id = "photo-" + UUID.randomUUID();
        String mine = WebApiFlowTest.upload(owner, TestImages.photo()).path("key").asText();
        String theirs = WebApiFlowTest.upload(other, TestImages.photo()).path("key").asText();
        assertEquals(id, json(owner.postJson("/api/inversions", inversion(mine, "a cat on a mat").put("inversionId", id)), 202)
                .path("inversionId").asText());
        assertEquals(id, json(other.postJson("/api/inversions", inversion(theirs, "a dog on a rug").put("inversionId", id)), 202)
                .path("inversionId").asText(), "the other owner's id is not a conflict");
        JsonNode first = owner.await("/api/inversions/" + id, ApiClient.finished(), WebApiFlowTest.TIMEOUT);
        JsonNode second = other.await("/api/inversions/" + id, ApiClient.finished(), WebApiFlowTest.TIMEOUT);
        assertEquals("succeeded", first.path("status").path("state").asText(), first.toString());
        assertEquals("succeeded", second.path("status").path("state").asText(), second.toString());
        assertEquals("a cat on a mat", first.path("caption").asText());
        assertEquals("a dog on a rug", second.path("caption").asText());
        try (S3Client s3 = SharedStack.get().s3().client()) {
            for (String who : new String[] {"api", USER}) {
                String manifest = "tenants/" + who + "/inversions/" + id + "/manifest.json";
                assertTrue(s3.listObjectsV2(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).prefix(manifest)).keyCount() == 1,
                        "stored under its owner: " + manifest);
            }
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).prefix("inversions/" + id + "/")).keyCount(),
                    "nothing of an owner's job outside its owner's folder");
        }
    }

    /**
     * A client of the request topic (no editor in between) that names its inversion's owner wrongly is refused: the
     * worker looks among that owner's inversions, finds none, and after the wait answers as for an id never used.
     */
    @Test
    void theWorkerRefusesAnEditAcrossOwners() {
        String key = WebApiFlowTest.upload(owner, TestImages.photo()).path("key").asText();
        String inversionId = json(owner.postJson("/api/inversions", inversion(key, "a cat on a mat")), 202)
                .path("inversionId").asText();
        owner.await("/api/inversions/" + inversionId, ApiClient.finished(), WebApiFlowTest.TIMEOUT);
        String across = "across-" + UUID.randomUUID();
        ObjectNode edit = ApiClient.JSON.createObjectNode().put("schemaVersion", 1).put("editId", across)
                .put("inversionId", inversionId).put("caption", "a dog on a mat").put("owner", USER);
        kafka.send(SharedStack.EDIT_REQUESTS, across, edit.toString());
        JsonNode event = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", across, WebApiFlowTest.TIMEOUT);
        assertEquals("failed", event.path("status").asText(), event.toString());
        assertEquals("INVERSION_NOT_FOUND", event.path("error").path("code").asText(), event.toString());
        String same = "same-owner-" + UUID.randomUUID();
        kafka.send(SharedStack.EDIT_REQUESTS, same, edit.put("editId", same).put("owner", "api").toString());
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", same, WebApiFlowTest.TIMEOUT)
                .path("status").asText(), "the same edit from the inversion's owner");
    }

    private static void notFound(HttpResponse<byte[]> response, String code) {
        JsonNode error = json(response, 404);
        assertEquals(code, error.path("code").asText(), error.toString());
    }

    private static ObjectNode inversion(String key, String caption) {
        ObjectNode request = ApiClient.JSON.createObjectNode().put("caption", caption);
        request.putObject("image").put("key", key);
        request.putObject("options").put("steps", 5);
        return request;
    }

    private static ObjectNode edit(String inversionId, String caption) {
        return ApiClient.JSON.createObjectNode().put("inversionId", inversionId).put("caption", caption);
    }
}
