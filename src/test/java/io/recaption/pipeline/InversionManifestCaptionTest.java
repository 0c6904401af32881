package io.recaption.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.artifacts.InversionFiles;
import io.recaption.model.blip.BlipModelIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The manifest's caption source: written as a label, the captioner's identity beside it, old manifests still read. */
@Tag("unit")
class InversionManifestCaptionTest {

    private static final ModelIdentity MODEL = new ModelIdentity("tiny", "sha256:" + "a".repeat(64));
    private static final BlipModelIdentity CAPTIONER = new BlipModelIdentity("blip-small", "b".repeat(64));

    private static InversionManifest manifest(CaptionSource source, BlipModelIdentity captioner) {
        return new InversionManifest(InversionFiles.FORMAT_VERSION, MODEL, "a red square", source, captioner, 5, false,
                "null-text", new InversionManifest.Settings(10, 7.5, 5, 1e-5, 0.01), 64, 64, 64, List.of(),
                List.of(), 100, 30.0, Map.of("total", 1.0), Instant.parse("2025-01-01T00:00:00Z"), null);
    }

    @Test
    void aModelCaptionIsWrittenWithItsCaptionerAndReadBack() throws Exception {
        byte[] json = Manifests.bytes(manifest(CaptionSource.MODEL, CAPTIONER));
        JsonNode tree = new ObjectMapper().readTree(json);
        assertEquals("model", tree.path("captionSource").asText());
        assertEquals("blip-small", tree.path("captioner").path("name").asText());
        assertEquals("b".repeat(64), tree.path("captioner").path("configSha256").asText());
        InversionManifest read = Manifests.inversion(json);
        assertEquals(CaptionSource.MODEL, read.captionSource());
        assertEquals(CAPTIONER, read.captioner());
    }

    @Test
    void aPersonsCaptionNamesNoCaptioner() throws Exception {
        JsonNode tree = new ObjectMapper().readTree(Manifests.bytes(manifest(CaptionSource.USER, null)));
        assertEquals("user", tree.path("captionSource").asText());
        assertFalse(tree.has("captioner"), tree.toString());
        assertThrows(IllegalArgumentException.class, () -> manifest(CaptionSource.USER, CAPTIONER));
        assertThrows(IllegalArgumentException.class, () -> manifest(CaptionSource.MODEL, null));
    }

    @Test
    void aManifestWrittenBeforeCaptionSourcesReadsAsTheUsersCaption() throws Exception {
        ObjectNode old = (ObjectNode) new ObjectMapper().readTree(Manifests.bytes(manifest(CaptionSource.USER, null)));
        old.remove("captionSource");
        InversionManifest read = Manifests.inversion(new ObjectMapper().writeValueAsBytes(old));
        assertEquals(CaptionSource.USER, read.captionSource());
        assertNull(read.captioner());
        assertEquals("a red square", read.caption());
    }

    @Test
    void anUnknownCaptionSourceIsRefusedRatherThanReadAsADefault() throws Exception {
        ObjectNode odd = (ObjectNode) new ObjectMapper().readTree(Manifests.bytes(manifest(CaptionSource.USER, null)));
        odd.put("captionSource", "oracle");
        Exception e = assertThrows(Exception.class, () -> Manifests.inversion(new ObjectMapper().writeValueAsBytes(odd)));
        assertTrue(String.valueOf(e.getMessage()).contains("oracle"), e.getMessage());
    }
}
