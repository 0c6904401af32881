package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.recaption.devstack.ChildJvm;
import io.recaption.worker.SharedStack;
import io.recaption.worker.TestImages;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An exposed editor (shared token and basic authentication set) whose Kafka broker is down: every request without
 * credentials is refused except the health probes, either credential passes, and an inversion that cannot be
 * published is refused with 503 and leaves nothing behind. Readiness says Kafka is down.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WebLockedDownTest.LockedDown.class)
class WebLockedDownTest {

    // constants: the profile is built in another class loader than the test, so no random value here
    static final String TOKEN = "a-shared-token-for-the-test";
    static final String USER = "editor";
    static final String PASSWORD = "correct horse battery staple";

    /** The web alone (no worker), S3 from the shared stack, Kafka at a port nobody serves, credentials set. */
    public static class LockedDown implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "web";
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3WithoutKafka.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "recaption.input.buckets", SharedStack.UPLOADS_BUCKET,
                    "recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET,
                    "recaption.web.auth.token", TOKEN,
                    "recaption.web.auth.username", USER,
                    "recaption.web.auth.password", PASSWORD,
                    "recaption.web.publish-timeout", "PT2S",
                    "quarkus.log.category.\"org.apache.kafka\".level", "ERROR",
                    "quarkus.http.test-port", "0");
        }
    }

    public static class S3WithoutKafka implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(SharedStack.get().quarkusConfig());
            config.put("kafka.bootstrap.servers", "127.0.0.1:" + ChildJvm.freePort());
            return config;
        }

        @Override
        public void stop() {
            // the shared stack stops with the JVM
        }
    }

    @TestHTTPResource("/")
    URL base;

    private ApiClient client(Map<String, String> headers) throws Exception {
        return new ApiClient(base.toURI(), headers);
    }

    @Test
    void withoutCredentialsEverythingButHealthIsRefused() throws Exception {
        ApiClient anonymous = client(Map.of());
        for (String path : List.of("/", "/assets/editor.js", "/api/inversions/" + UUID.randomUUID(), "/q/openapi")) {
            HttpResponse<byte[]> response = anonymous.get(path);
            assertEquals(401, response.statusCode(), path);
            assertEquals("UNAUTHORIZED", json(response).path("code").asText(), path);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"),
                    "a browser is asked for the user and password");
        }
        assertEquals(401, client(Map.of("Authorization", "Bearer wrong")).get("/").statusCode());
        assertEquals(401, client(Map.of("Authorization", basic(USER, "wrong"))).get("/").statusCode());
        assertEquals(401, client(Map.of("Authorization", "Basic %%%")).get("/").statusCode());
        assertEquals(200, anonymous.get("/q/health/live").statusCode(), "probes need no credentials");
    }

    @Test
    void eitherCredentialPasses() throws Exception {
        assertEquals(200, client(Map.of("Authorization", basic(USER, PASSWORD))).get("/").statusCode());
        ApiClient bearer = client(Map.of("Authorization", "Bearer " + TOKEN));
        JsonNode uploaded = json(bearer.send("POST", "/api/uploads", "image/png", TestImages.photo()), 201);
        assertTrue(uploaded.path("key").asText().startsWith("uploads/"));
    }

    @Test
    void anInversionThatCannotBePublishedIsRefusedAndLeavesNothing() throws Exception {
        ApiClient api = client(Map.of("Authorization", "Bearer " + TOKEN));
        String key = json(api.send("POST", "/api/uploads", "image/png", TestImages.photo()), 201).path("key").asText();
        String id = "unpublished-" + UUID.randomUUID();
        ObjectNode request = ApiClient.JSON.createObjectNode().put("inversionId", id).put("caption", "a cat");
        request.putObject("image").put("key", key);
        Instant start = Instant.now();
        JsonNode refused = json(api.postJson("/api/inversions", request), 503);
        System.out.println("without Kafka: " + refused + " after " + Duration.between(start, Instant.now()).toMillis() + " ms");
        assertEquals("KAFKA_UNAVAILABLE", refused.path("code").asText());
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 15, "refused within the publish timeout");
        assertEquals("INVERSION_NOT_FOUND", json(api.get("/api/inversions/" + id), 404).path("code").asText(),
                "the record of the unpublished request was removed");
        // Kafka's check waits for its admin client's timeout before it reports the broker down
        JsonNode ready = json(api.get("/q/health/ready"), 503);
        System.out.println("readiness without Kafka: " + ready);
        assertTrue(ready.toString().contains("Kafka"), "readiness names Kafka");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
