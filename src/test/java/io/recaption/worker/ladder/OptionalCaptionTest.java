package io.recaption.worker.ladder;

import io.recaption.worker.TestConfigs;
import io.recaption.protocol.RequestValidator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionJob;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.RequestHash;
import io.recaption.protocol.RequestReader;
import io.recaption.protocol.WireRequests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A caption is optional on the wire: who refuses a caption-less request, and how its hash stays apart. */
@Tag("unit")
class OptionalCaptionTest {

    private static final String NO_CAPTION = "{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}}";

    private final RequestValidator withoutCaptioner = TestConfigs.validator(Map.of());
    private final RequestValidator withCaptioner = TestConfigs.validator(Map.of("recaption.captioner.path", "/captioner"));

    @Test
    void aWorkerWithoutACaptionerRefusesACaptionLessRequestWithCaptionRequired() throws Exception {
        WireRequests.Inversion wire = RequestReader.inversion(bytes(NO_CAPTION));
        assertNull(wire.caption(), "absent is read as absent, not dead-lettered");
        JobFailure refused = assertThrows(JobFailure.class, () -> withoutCaptioner.inversion(wire));
        assertEquals(ErrorCode.CAPTION_REQUIRED, refused.code());
        assertTrue(refused.getMessage().contains("send a caption"), refused.getMessage());
        JobFailure nullCaption = assertThrows(JobFailure.class, () -> withoutCaptioner.inversion(RequestReader.inversion(
                bytes("{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": null}"))));
        assertEquals(ErrorCode.CAPTION_REQUIRED, nullCaption.code());
    }

    @Test
    void aWorkerWithACaptionerLeavesTheCaptionToItsModelButStillJudgesAGivenOne() throws Exception {
        InversionJob job = withCaptioner.inversion(RequestReader.inversion(bytes(NO_CAPTION)));
        assertTrue(job.captionedByModel());
        assertNull(job.caption());
        InversionJob given = withCaptioner.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": \" a cat \"}")));
        assertEquals("a cat", given.caption());
        assertEquals(ErrorCode.EMPTY_CAPTION, assertThrows(JobFailure.class, () -> withCaptioner.inversion(
                RequestReader.inversion(bytes("{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"},"
                        + " \"caption\": \"  \"}")))).code(), "a blank caption is not a request to caption");
    }

    @Test
    void noCaptionHashesApartFromEveryCaption() throws Exception {
        InversionJob captionLess = withCaptioner.inversion(RequestReader.inversion(bytes(NO_CAPTION)));
        String none = RequestHash.inversion(captionLess, "\"etag\"");
        assertEquals(none, RequestHash.inversion(captionLess, "\"etag\""), "the same request hashes the same");
        for (String caption : List.of("a cat", "null", "model", "captionBy", "")) {
            InversionJob captioned = new InversionJob("r1", captionLess.image(), caption, captionLess.options(), null);
            assertNotEquals(none, RequestHash.inversion(captioned, "\"etag\""), "no caption vs \"" + caption + "\"");
        }
        assertNotEquals(none, RequestHash.inversion(captionLess, "\"other\""), "another photo is other content");
    }

    /** Stored results of captioned requests keep their hashes: a redelivered old request is a replay, not a conflict. */
    @Test
    void aCaptionedRequestHashesItsCanonicalJsonAsBefore() throws Exception {
        InversionJob job = withoutCaptioner.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": \"a cat\"}")));
        String canonical = "{\"bucket\":\"artifacts\",\"caption\":\"a cat\",\"earlyStopEpsilon\":1.0E-5,"
                + "\"etag\":\"\\\"e\\\"\",\"guidanceScale\":7.5,\"innerSteps\":10,\"key\":\"uploads/a.png\","
                + "\"kind\":\"inversion\",\"method\":\"null-text\",\"steps\":50,\"truncateCaption\":false}";
        String expected = "sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, RequestHash.inversionByETag(job, "\"e\""));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
