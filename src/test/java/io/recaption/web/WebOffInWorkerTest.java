package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.TestImages;
import io.recaption.worker.WorkerTestProfile;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The worker ({@code serve}'s profile) serves neither the page nor /api: uploads and requests go through `web`. */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class WebOffInWorkerTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void theWorkerHasNoPageAndNoApi() throws Exception {
        ApiClient api = new ApiClient(base.toURI());
        for (String path : List.of("/", "/index.html", "/assets/editor.js", "/api/inversions/x")) {
            assertEquals(404, api.get(path).statusCode(), path);
        }
        assertEquals("NOT_FOUND", json(api.send("POST", "/api/uploads", "image/png", TestImages.photo()), 404).path("code").asText());
        assertEquals(404, api.get("/inversions/unknown-id").statusCode(), "the worker's own status endpoint is still there");
    }
}
