package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.SharedStack;
import io.recaption.worker.TestImages;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The editor's API end to end on the real broker and s3proxy, with a worker (test engine) consuming what the web
 * publishes: upload, invert, poll, fetch the images, edit twice, read the history; progress while a job runs;
 * the page, its headers and the OpenAPI document.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WebTestProfile.class)
class WebApiFlowTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    TestJobEngine engine;

    @Inject
    ArtifactStore store;

    @TestHTTPResource("/")
    URL base;

    private ApiClient api;

    @BeforeEach
    void connect() throws URISyntaxException {
        api = new ApiClient(base.toURI());
        engine.setStepDelay(Duration.ZERO);
    }

    /** Uploads the reference photo; returns the {bucket, key} answer. */
    static JsonNode upload(ApiClient api, byte[] png) {
        return json(api.send("POST", "/api/uploads", "image/png", png), 201);
    }

    @Test
    void uploadInvertPollFetchEditAndHistory() throws Exception {
        byte[] photo = TestImages.photo();
        JsonNode uploaded = upload(api, photo);
        assertEquals(SharedStack.UPLOADS_BUCKET, uploaded.path("bucket").asText(), "the first input bucket");
        String key = uploaded.path("key").asText();
        assertTrue(key.matches("uploads/anonymous/[0-9a-f-]{36}\\.png"), "the caller's own folder: " + key);
        try (var s3 = SharedStack.get().s3().client()) {
            var head = s3.headObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(key));
            assertEquals("image/png", head.contentType(), "the type read from the content is stored");
            assertEquals(photo.length, head.contentLength());
        }

        String caption = "a cat sitting on a wooden floor " + UUID.randomUUID();
        ObjectNode request = ApiClient.JSON.createObjectNode();
        request.putObject("image").put("key", key);
        request.put("caption", caption);
        request.putObject("options").put("steps", 10).put("innerSteps", 3);
        HttpResponse<byte[]> accepted = api.postJson("/api/inversions", request);
        String inversionId = json(accepted, 202).path("inversionId").asText();
        assertEquals("/api/inversions/" + inversionId, accepted.headers().firstValue("Location").map(l -> l.replaceAll("^https?://[^/]+", "")).orElse(""));

        JsonNode inversion = api.await("/api/inversions/" + inversionId, ApiClient.finished(), TIMEOUT);
        System.out.println("inversion: " + inversion);
        assertEquals("succeeded", inversion.path("status").path("state").asText(), inversion.toString());
        assertEquals(1.0, inversion.path("status").path("progress").asDouble());
        JsonNode result = inversion.path("result");
        assertEquals(caption, result.path("caption").asText());
        assertEquals("null-text", result.path("method").asText());
        assertEquals(10, result.path("steps").asInt());
        assertTrue(result.path("psnr").asDouble() > 10, "PSNR from the manifest: " + result);
        assertEquals(caption, inversion.path("caption").asText());
        assertEquals("user", result.path("captionSource").asText(), "the caption came with the request");
        assertFalse(json(api.get("/api/settings"), 200).path("modelCaptions").asBoolean(true),
                "an empty caption is not offered unless recaption.web.model-captions is on");

        HttpResponse<byte[]> input = api.get(inversion.path("inputUrl").asText());
        assertEquals(200, input.statusCode());
        assertArrayEquals(photo, input.body(), "input.png is the uploaded photo");
        BufferedImage reconstruction = png(api.get(inversion.path("reconstructionUrl").asText()));
        assertEquals(64, reconstruction.getWidth());

        // a word swap with LocalBlend, then an emphasis: both published, run and listed newest first
        String swapCaption = caption.replace("cat", "tiger");
        ObjectNode swap = ApiClient.JSON.createObjectNode().put("inversionId", inversionId).put("caption", swapCaption);
        swap.putArray("localBlend").add("tiger");
        swap.put("crossReplaceSteps", 0.6);
        String swapId = json(api.postJson("/api/edits", swap), 202).path("editId").asText();
        String fluffyCaption = caption.replace("a cat", "a fluffy cat");
        ObjectNode fluffy = ApiClient.JSON.createObjectNode().put("inversionId", inversionId).put("caption", fluffyCaption);
        fluffy.putObject("emphasis").put("fluffy", 2.5);
        String fluffyId = json(api.postJson("/api/edits", fluffy), 202).path("editId").asText();

        for (String editId : List.of(swapId, fluffyId)) {
            JsonNode edit = api.await("/api/edits/" + editId, ApiClient.finished(), TIMEOUT);
            System.out.println("edit: " + edit);
            assertEquals("succeeded", edit.path("status").path("state").asText(), edit.toString());
            assertEquals(inversionId, edit.path("inversionId").asText());
            BufferedImage image = png(api.get(edit.path("imageUrl").asText()));
            assertTrue(meanDifference(image, reconstruction) > 1, "the edited image differs from the reconstruction");
        }
        assertEquals(1, engine.edits(swapCaption), "the worker rendered the swap once");
        JsonNode manifest = store.readJson(store.editPrefix("anonymous", fluffyId) + "manifest.json").orElseThrow();
        assertEquals(2.5, manifest.path("emphasis").path("fluffy").asDouble(), "the emphasis reached the worker");
        assertEquals(List.of("tiger"), List.of(store.readJson(store.editPrefix("anonymous", swapId) + "manifest.json").orElseThrow()
                .path("localBlend").get(0).asText()));

        JsonNode history = json(api.get("/api/inversions/" + inversionId + "/edits"), 200);
        System.out.println("history: " + history);
        JsonNode edits = history.path("edits");
        assertEquals(2, edits.size());
        assertEquals(fluffyId, edits.get(0).path("editId").asText(), "newest first");
        assertEquals(swapId, edits.get(1).path("editId").asText());
        assertEquals(2.5, edits.get(0).path("emphasis").path("fluffy").asDouble());
        assertEquals("tiger", edits.get(1).path("localBlend").get(0).asText());
        assertEquals(0.6, edits.get(1).path("crossReplaceSteps").asDouble());
        assertEquals(0.4, edits.get(1).path("selfReplaceSteps").asDouble(), "the worker's default is recorded");
        assertEquals("succeeded", edits.get(1).path("status").path("state").asText());
        assertNotNull(edits.get(1).path("imageUrl").textValue());
    }

    @Test
    void progressIsVisibleWhileAnInversionRuns() {
        engine.setStepDelay(Duration.ofMillis(150));
        String key = upload(api, TestImages.photo()).path("key").asText();
        ObjectNode request = ApiClient.JSON.createObjectNode();
        request.putObject("image").put("key", key);
        request.put("caption", "a slow cat");
        request.putObject("options").put("steps", 30);
        String id = json(api.postJson("/api/inversions", request), 202).path("inversionId").asText();
        JsonNode running = api.await("/api/inversions/" + id, view -> {
            double p = view.path("status").path("progress").asDouble();
            return view.path("status").path("state").asText().equals("running") && p > 0 && p < 1;
        }, TIMEOUT);
        System.out.println("while running: " + running);
        assertEquals("a slow cat", running.path("caption").asText(), "the caption is shown before the manifest exists");
        assertEquals(TestJobEngine.PHASE, running.path("status").path("phase").asText(), "the engine's phase is shown");
        assertTrue(running.path("reconstructionUrl").isNull(), "no reconstruction while it runs");
        JsonNode notReady = json(api.get("/api/inversions/" + id + "/reconstruction.png"), 404);
        assertEquals("IMAGE_NOT_READY", notReady.path("code").asText());
        ObjectNode edit = ApiClient.JSON.createObjectNode().put("inversionId", id).put("caption", "a slow dog");
        assertEquals("INVERSION_NOT_READY", json(api.postJson("/api/edits", edit), 409).path("code").asText());
        assertEquals("succeeded", api.await("/api/inversions/" + id, ApiClient.finished(), TIMEOUT)
                .path("status").path("state").asText());
    }

    @Test
    void thePageAndItsAssetsAreServedWithSecurityHeaders() {
        HttpResponse<byte[]> page = api.get("/");
        assertEquals(200, page.statusCode());
        String html = new String(page.body());
        assertTrue(html.contains("<title>recaption — caption editor</title>") && html.contains("assets/editor.js"), html);
        assertFalse(html.contains("<script>") || html.contains("https://"), "no inline script, nothing from elsewhere");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        for (String asset : List.of("/assets/api.js", "/assets/editor.js", "/assets/editor.css", "/assets/samples/samples.json",
                "/assets/samples/blue-triangle.png")) {
            assertEquals(200, api.get(asset).statusCode(), asset);
        }
    }

    @Test
    void openApiDocumentsTheEndpoints() {
        String openApi = new String(api.get("/q/openapi").body());
        for (String path : List.of("/api/uploads", "/api/inversions", "/api/inversions/{id}", "/api/inversions/{id}/input.png",
                "/api/inversions/{id}/reconstruction.png", "/api/inversions/{id}/edits", "/api/edits", "/api/edits/{id}",
                "/api/edits/{id}/image.png")) {
            assertTrue(openApi.contains(path + ":"), "OpenAPI documents " + path);
        }
        assertFalse(openApi.contains("{path"), "the catch-all is not documented");
    }

    @Test
    void readinessIsTheWebsNotTheWorkers() {
        JsonNode ready = json(api.get("/q/health/ready"), 200);
        System.out.println("readiness: " + ready);
        assertTrue(ready.toString().contains("recaption-web"), "the web's own check is there");
        assertFalse(ready.toString().contains("recaption-worker"), "the model check does not apply to the web");
    }

    static BufferedImage png(HttpResponse<byte[]> response) throws IOException {
        assertEquals(200, response.statusCode(), response.uri().toString());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("image/"));
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    /** Mean absolute difference per channel, 0..255. */
    static double meanDifference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
