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
import io.recaption.artifacts.ImageFiles;
import io.recaption.pipeline.PhotoCaptioner;
import io.recaption.worker.CaptioningTestProfile;
import io.recaption.worker.TestImages;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The editor with {@code recaption.web.model-captions}: a photo sent without a caption is accepted, the workers'
 * captioning model (here the tiny BLIP, in the in-app worker) writes one, and the inversion's view shows that
 * caption, marked {@code model}, for the person to edit.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WebModelCaptionsTestProfile.class)
class WebModelCaptionsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TestHTTPResource("/")
    URL base;

    @Test
    void aPhotoWithoutACaptionIsInvertedWithTheModelsCaptionAndShownForEditing() throws Exception {
        ApiClient api = new ApiClient(base.toURI());
        assertTrue(json(api.get("/api/settings"), 200).path("modelCaptions").asBoolean(false), "the page is told");

        byte[] photo = TestImages.photo(5);
        String expected;
        try (PhotoCaptioner captioner = PhotoCaptioner.load(CaptioningTestProfile.captioner(), ImageFiles.Limits.defaults())) {
            expected = captioner.caption(photo).text();
        }
        String key = WebApiFlowTest.upload(api, photo).path("key").asText();
        ObjectNode request = ApiClient.JSON.createObjectNode();
        request.putObject("image").put("key", key);
        request.putObject("options").put("steps", 5).put("innerSteps", 1);
        String inversionId = json(api.postJson("/api/inversions", request), 202).path("inversionId").asText();

        JsonNode inversion = api.await("/api/inversions/" + inversionId, ApiClient.finished(), TIMEOUT);
        assertEquals("succeeded", inversion.path("status").path("state").asText(), inversion.toString());
        assertFalse(expected.isBlank(), "the captioner wrote something");
        assertEquals(expected, inversion.path("caption").asText(), "the model's caption, shown to edit");
        assertEquals("model", inversion.path("result").path("captionSource").asText(), inversion.toString());
    }
}
