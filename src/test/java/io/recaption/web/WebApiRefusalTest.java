package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.SharedStack;
import io.recaption.worker.TestImages;
import io.recaption.worker.WorkerTestProfile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of the editor's API, each with its status and code, on the real stack: what the worker would
 * refuse is refused before it is published, with the worker's code.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WebTestProfile.class)
class WebApiRefusalTest {

    @TestHTTPResource("/")
    URL base;

    private ApiClient api;

    @BeforeEach
    void connect() throws URISyntaxException {
        api = new ApiClient(base.toURI());
    }

    private void refused(HttpResponse<byte[]> response, int status, String code) {
        JsonNode error = json(response, status);
        System.out.println(status + " " + error);
        assertEquals(code, error.path("code").asText(), error.toString());
        assertFalse(error.path("message").asText().isBlank(), "a message for people: " + error);
        String message = error.path("message").asText();
        for (String internal : List.of("java.", "jackson", "Exception", "`")) {
            assertFalse(message.contains(internal), "the API's words, not the parser's (" + internal + "): " + error);
        }
    }

    @Test
    void uploadsThatAreNotAcceptableImages() {
        refused(api.send("POST", "/api/uploads", "text/plain", TestImages.photo()), 415, "UNSUPPORTED_MEDIA_TYPE");
        refused(api.send("POST", "/api/uploads", null, TestImages.photo()), 415, "UNSUPPORTED_MEDIA_TYPE");
        refused(api.send("POST", "/api/uploads", "image/png", new byte[0]), 400, "NOT_AN_IMAGE");
        refused(api.send("POST", "/api/uploads", "image/png", "GIF89a? no, text".getBytes()), 400, "NOT_AN_IMAGE");
        refused(api.send("POST", "/api/uploads", "image/png", new byte[(int) WorkerTestProfile.MAX_IMAGE_BYTES + 1]), 413,
                "IMAGE_TOO_LARGE");
        // a few hundred kilobytes that declare 30000² pixels: refused from the header, never decoded
        refused(api.send("POST", "/api/uploads", "image/png", TestImages.decompressionBomb(30_000)), 413, "IMAGE_TOO_LARGE");
    }

    /**
     * Uploads that stall mid-body (raw HTTP/1.1: headers and half the photo, then nothing) hold their slots; one
     * more is turned away with 429 at once (not queued behind them), and the slots come back when they end.
     */
    @Test
    void uploadsBeyondTheLimitAreTurnedAway() throws Exception {
        byte[] photo = TestImages.photo();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < WebTestProfile.MAX_CONCURRENT_UPLOADS; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/uploads HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                        + "\r\nContent-Type: image/png\r\nContent-Length: " + photo.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(photo, 0, photo.length / 2);
                out.flush();
                stalled.add(socket);
            }
            HttpResponse<byte[]> turnedAway = null;
            for (int tries = 0; tries < 50 && turnedAway == null; tries++) {
                HttpResponse<byte[]> answer = api.send("POST", "/api/uploads", "image/png", photo);
                if (answer.statusCode() == 429) {
                    turnedAway = answer;
                } else {
                    assertEquals(201, answer.statusCode(), "while the stalled uploads are not yet in");
                    Thread.sleep(100);
                }
            }
            assertTrue(turnedAway != null, "an upload beyond the limit was turned away");
            refused(turnedAway, 429, "TOO_MANY_UPLOADS");
            assertTrue(turnedAway.headers().firstValue("Retry-After").isPresent(), "it says when to try again");
            for (Socket socket : stalled) {
                socket.getOutputStream().write(photo, photo.length / 2, photo.length - photo.length / 2);
                socket.getOutputStream().flush();
                String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                assertEquals("HTTP/1.1 201 Created", status, "a slow upload still lands");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        json(api.send("POST", "/api/uploads", "image/png", photo), 201);
    }

    @Test
    void inversionRequestsTheWorkerWouldRefuse() {
        String key = WebApiFlowTest.upload(api, TestImages.photo()).path("key").asText();
        refused(api.postJson("/api/inversions", "{not json"), 400, "INVALID_REQUEST");
        refused(api.postJson("/api/inversions", "{\"caption\":\"a cat\"}"), 400, "MISSING_FIELD");
        refused(api.postJson("/api/inversions", "{\"image\":{\"key\":\"" + key + "\"},\"caption\":\"a cat\",\"caption\":\"a dog\"}"),
                400, "INVALID_REQUEST");
        refused(api.postJson("/api/inversions", "{\"image\":{},\"caption\":\"a cat\"}"), 400, "MISSING_FIELD");
        // the editor's own validator knows of no captioning model (recaption.captioner.path is a worker's setting)
        refused(api.postJson("/api/inversions", inversion(key, null, r -> {})), 400, "CAPTION_REQUIRED");
        refused(api.postJson("/api/inversions", inversion(key, "   ", r -> {})), 400, "EMPTY_CAPTION");
        refused(api.postJson("/api/inversions", inversion(key, "a".repeat(1001), r -> {})), 400, "CAPTION_TOO_LONG");
        refused(api.postJson("/api/inversions", inversion(key, "a cat", r -> r.with("options").put("steps", 0))), 400,
                "INVALID_OPTIONS");
        refused(api.postJson("/api/inversions", inversion(key, "a cat", r -> r.with("options").put("steps", 2.5))), 400,
                "INVALID_OPTIONS");
        refused(api.postJson("/api/inversions", inversion(key, "a cat", r -> r.with("options").put("method", "magic"))), 400,
                "INVALID_OPTIONS");
        refused(api.postJson("/api/inversions", inversion(key, "a cat", r -> r.with("image").put("bucket",
                SharedStack.ARTIFACTS_BUCKET))), 400, "BUCKET_NOT_ALLOWED");
        refused(api.postJson("/api/inversions", inversion("models/shapes/unet/config.json", "a cat", r -> {})), 400,
                "INVALID_IMAGE_KEY");
        refused(api.postJson("/api/inversions", inversion("uploads/../models/x.png", "a cat", r -> {})), 400,
                "INVALID_IMAGE_KEY");
        refused(api.postJson("/api/inversions", inversion(key, "a cat", r -> r.put("inversionId", "../etc"))), 400,
                "INVALID_ID");
    }

    @Test
    void aChosenIdIsIdempotentForTheSameRequestAndConflictsForAnother() {
        String key = WebApiFlowTest.upload(api, TestImages.photo()).path("key").asText();
        String id = "chosen-" + UUID.randomUUID();
        ObjectNode request = inversion(key, "a cat " + id, r -> r.put("inversionId", id));
        assertEquals(id, json(api.postJson("/api/inversions", request), 202).path("inversionId").asText());
        assertEquals(id, json(api.postJson("/api/inversions", request), 202).path("inversionId").asText(), "a retry");
        refused(api.postJson("/api/inversions", inversion(key, "a dog " + id, r -> r.put("inversionId", id))), 409,
                "ID_CONFLICT");
        assertEquals("succeeded", api.await("/api/inversions/" + id, ApiClient.finished(), WebApiFlowTest.TIMEOUT)
                .path("status").path("state").asText());
    }

    /**
     * Requests racing for one chosen id with different captions: the web's record is a conditional create, so one
     * gets in (202) and every other is told of the conflict (409), and the job is the winner's (the loser's record
     * neither overwrites the winner's nor is published).
     */
    @Test
    void aRaceForOneIdHasOneWinner() throws Exception {
        String key = WebApiFlowTest.upload(api, TestImages.photo()).path("key").asText();
        String id = "raced-" + UUID.randomUUID();
        int racers = 6;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                ObjectNode request = inversion(key, "racer " + i + " " + id, r -> r.put("inversionId", id));
                answers.add(pool.submit(() -> {
                    start.await();
                    return new ApiClient(base.toURI()).postJson("/api/inversions", request);
                }));
            }
            List<Integer> accepted = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                HttpResponse<byte[]> answer = answers.get(i).get(1, TimeUnit.MINUTES);
                if (answer.statusCode() == 202) {
                    accepted.add(i);
                } else {
                    refused(answer, 409, "ID_CONFLICT");
                }
            }
            assertEquals(1, accepted.size(), "exactly one racer got in: " + accepted);
            JsonNode done = api.await("/api/inversions/" + id, ApiClient.finished(), WebApiFlowTest.TIMEOUT);
            assertEquals("succeeded", done.path("status").path("state").asText(), done.toString());
            assertEquals("racer " + accepted.get(0) + " " + id, done.path("caption").asText(), "the winner's job");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownAndMalformedIds() {
        refused(api.get("/api/inversions/" + UUID.randomUUID()), 404, "INVERSION_NOT_FOUND");
        refused(api.get("/api/inversions/" + UUID.randomUUID() + "/reconstruction.png"), 404, "INVERSION_NOT_FOUND");
        refused(api.get("/api/inversions/" + UUID.randomUUID() + "/input.png"), 404, "INVERSION_NOT_FOUND");
        refused(api.get("/api/inversions/" + UUID.randomUUID() + "/edits"), 404, "INVERSION_NOT_FOUND");
        refused(api.get("/api/inversions/bad.id"), 400, "INVALID_ID");
        refused(api.get("/api/edits/" + UUID.randomUUID()), 404, "EDIT_NOT_FOUND");
        refused(api.get("/api/edits/" + UUID.randomUUID() + "/image.png"), 404, "EDIT_NOT_FOUND");
        refused(api.get("/api/edits/bad.id"), 400, "INVALID_ID");
        refused(api.get("/api/nothing-here"), 404, "NOT_FOUND");
        refused(api.send("DELETE", "/api/inversions/" + UUID.randomUUID(), null, null), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void editRequestsTheWorkerWouldRefuse() {
        String key = WebApiFlowTest.upload(api, TestImages.photo()).path("key").asText();
        String inversionId = json(api.postJson("/api/inversions", inversion(key, "a cat on a mat", r -> {})), 202)
                .path("inversionId").asText();
        api.await("/api/inversions/" + inversionId, ApiClient.finished(), WebApiFlowTest.TIMEOUT);
        refused(api.postJson("/api/edits", "{\"inversionId\":"), 400, "INVALID_REQUEST");
        refused(api.postJson("/api/edits", "{\"caption\":\"a dog on a mat\"}"), 400, "MISSING_FIELD");
        refused(api.postJson("/api/edits", edit("../x", "a dog on a mat", e -> {})), 400, "INVALID_ID");
        refused(api.postJson("/api/edits", edit(UUID.randomUUID().toString(), "a dog on a mat", e -> {})), 404,
                "INVERSION_NOT_FOUND");
        refused(api.postJson("/api/edits", edit(inversionId, null, e -> {})), 400, "MISSING_FIELD");
        refused(api.postJson("/api/edits", edit(inversionId, " ", e -> {})), 400, "EMPTY_CAPTION");
        refused(api.postJson("/api/edits", edit(inversionId, "a dog on a mat", e -> e.putObject("emphasis").put("tiger", 2))),
                400, "EMPHASIS_WORD_NOT_IN_CAPTION");
        refused(api.postJson("/api/edits", edit(inversionId, "a dog on a mat", e -> e.putObject("emphasis").put("dog", 11))),
                400, "INVALID_OPTIONS");
        refused(api.postJson("/api/edits", edit(inversionId, "a dog on a mat", e -> e.putArray("localBlend").add("two words"))),
                400, "INVALID_OPTIONS");
        refused(api.postJson("/api/edits", edit(inversionId, "a dog on a mat", e -> e.put("crossReplaceSteps", 1.5))),
                400, "INVALID_OPTIONS");
        refused(api.postJson("/api/edits", edit(inversionId, "a dog on a mat", e -> e.putObject("emphasis").put("dog", "big"))),
                400, "INVALID_REQUEST");
        assertEquals(0, json(api.get("/api/inversions/" + inversionId + "/edits"), 200).path("edits").size(),
                "nothing refused is in the history");
    }

    /** A request the web accepts but the worker fails: its status says why, and it cannot be edited. */
    @Test
    void aFailedInversionShowsTheWorkersCodeAndCannotBeEdited() {
        String missing = "uploads/anonymous/" + UUID.randomUUID() + ".png";
        String id = json(api.postJson("/api/inversions", inversion(missing, "a cat", r -> {})), 202).path("inversionId").asText();
        JsonNode failed = api.await("/api/inversions/" + id, ApiClient.finished(), WebApiFlowTest.TIMEOUT);
        System.out.println("failed: " + failed);
        assertEquals("failed", failed.path("status").path("state").asText());
        assertEquals("IMAGE_NOT_FOUND", failed.path("status").path("error").path("code").asText());
        refused(api.get("/api/inversions/" + id + "/reconstruction.png"), 404, "IMAGE_NOT_READY");
        refused(api.get("/api/inversions/" + id + "/input.png"), 404, "IMAGE_NOT_READY");
        JsonNode conflict = json(api.postJson("/api/edits", edit(id, "a dog", e -> {})), 409);
        assertEquals("INVERSION_NOT_READY", conflict.path("code").asText());
        assertTrue(conflict.path("message").asText().contains("IMAGE_NOT_FOUND"), conflict.toString());
    }

    @Test
    void corsIsOffByDefault() {
        HttpResponse<byte[]> preflight = new ApiClient(api.base(), java.util.Map.of("Origin", "https://elsewhere.example",
                "Access-Control-Request-Method", "POST")).send("OPTIONS", "/api/inversions", null, null);
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                "no cross-origin grant: " + preflight.headers().map());
    }

    private static ObjectNode inversion(String key, String caption, Consumer<ObjectNode> change) {
        ObjectNode request = ApiClient.JSON.createObjectNode();
        request.putObject("image").put("key", key);
        if (caption != null) {
            request.put("caption", caption);
        }
        request.putObject("options").put("steps", 5);
        change.accept(request);
        return request;
    }

    private static ObjectNode edit(String inversionId, String caption, Consumer<ObjectNode> change) {
        ObjectNode request = ApiClient.JSON.createObjectNode().put("inversionId", inversionId);
        if (caption != null) {
            request.put("caption", caption);
        }
        change.accept(request);
        return request;
    }
}
