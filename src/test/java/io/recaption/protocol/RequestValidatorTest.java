package io.recaption.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.inversion.InversionMethod;
import io.recaption.worker.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reading and judging requests without Kafka: the edges the end-to-end bad-input test does not walk. */
@Tag("unit")
class RequestValidatorTest {

    private final RequestValidator validator = TestConfigs.validator(Map.of());

    @Test
    void absentOptionsTakeTheConfiguredDefaultsAndTheImageTheArtifactsBucket() throws Exception {
        InversionJob job = validator.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": \"  a cat \", \"extra\": [1]}")));
        assertEquals(new ImageRef("artifacts", "uploads/a.png"), job.image());
        assertEquals("a cat", job.caption());
        assertEquals(new InversionOptions(InversionMethod.NULL_TEXT, 50, 7.5, 10, 1e-5, false), job.options());
    }

    @Test
    void integralFloatsAreIntegers() throws Exception {
        InversionJob job = validator.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": \"a cat\", \"options\": {\"steps\": 20.0, \"method\": \"direct\"}}")));
        assertEquals(20, job.options().steps());
        assertEquals(InversionMethod.DIRECT, job.options().method());
    }

    @Test
    void inputBucketsAreAnAllowList() throws Exception {
        RequestValidator twoBuckets = TestConfigs.validator(Map.of("recaption.input.buckets", "uploads,more"));
        assertEquals(List.of("uploads", "more"), twoBuckets.inputBuckets());
        assertEquals("uploads", twoBuckets.inversion(inversion("uploads/a.png", null)).image().bucket());
        assertEquals("more", twoBuckets.inversion(inversion("uploads/a.png", "more")).image().bucket());
        assertEquals(ErrorCode.BUCKET_NOT_ALLOWED,
                assertThrows(JobFailure.class, () -> twoBuckets.inversion(inversion("uploads/a.png", "artifacts"))).code());
    }

    @Test
    void inputsComeFromUnderTheInputPrefixesAndNeverFromTheWorkersOwnArtifacts() throws Exception {
        assertEquals("uploads/a.png", validator.inversion(inversion("uploads/a.png", null)).image().key());
        for (String key : List.of("private/a.png", "upload/a.png", "a.png", "inversions/i1/a1-00/reconstruction.png")) {
            assertEquals(ErrorCode.INPUT_NOT_ALLOWED,
                    assertThrows(JobFailure.class, () -> validator.inversion(inversion(key, null)), key).code(), key);
        }
        // prefixes that would let the artifacts in do not: another user's inversion or edit is never an input
        RequestValidator wide = TestConfigs.validator(Map.of("recaption.input.prefixes", "uploads/,inversions/,edits/,tenants/,prod/",
                "recaption.artifacts.prefix", "prod"));
        assertEquals("inversions/i1/x.png", wide.inversion(inversion("inversions/i1/x.png", null)).image().key(),
                "inversions/ outside the artifacts prefix is a plain key");
        for (String key : List.of("prod/inversions/i1/a1-00/reconstruction.png", "prod/edits/e1/a1-00/image.png",
                "prod/tenants/alice/inversions/i1/a1-00/reconstruction.png")) {
            assertEquals(ErrorCode.INPUT_NOT_ALLOWED,
                    assertThrows(JobFailure.class, () -> wide.inversion(inversion(key, null)), key).code(), key);
        }
        RequestValidator otherBucket = TestConfigs.validator(Map.of("recaption.input.buckets", "uploads",
                "recaption.input.prefixes", "inversions/"));
        assertEquals("inversions/x.png", otherBucket.inversion(inversion("inversions/x.png", null)).image().key(),
                "the artifact prefixes guard the artifacts bucket only");
    }

    @Test
    void theUnetBudgetAdmitsTheReferenceSettingsAndRefusesMore() throws Exception {
        assertEquals(1750, UnetBudget.inversion(InversionMethod.NULL_TEXT, 50, 10), "SD 1.5 reference: 50 + 50·(2 + 3·10) + 2·50");
        assertEquals(10, validator.inversion(options("\"steps\": 50, \"innerSteps\": 10")).options().innerSteps());
        assertEquals(InversionMethod.GLOBAL_NULL_TEXT,
                validator.inversion(options("\"steps\": 50, \"innerSteps\": 10, \"method\": \"global-null-text\"")).options().method());
        JobFailure over = assertThrows(JobFailure.class, () -> validator.inversion(options("\"steps\": 100, \"innerSteps\": 20")));
        System.out.println("refused: " + over.getMessage());
        assertEquals(ErrorCode.BUDGET_EXCEEDED, over.code());
        assertEquals(ErrorCode.INVALID_OPTIONS,
                assertThrows(JobFailure.class, () -> validator.inversion(options("\"steps\": 101, \"innerSteps\": 0"))).code(),
                "steps above max-steps (100)");
        assertEquals(ErrorCode.INVALID_OPTIONS,
                assertThrows(JobFailure.class, () -> validator.inversion(options("\"steps\": 10, \"innerSteps\": 21"))).code(),
                "innerSteps above max-inner-steps (20)");
        RequestValidator generous = TestConfigs.validator(Map.of("recaption.limits.max-unet-evaluations", "7000"));
        assertEquals(100, generous.inversion(options("\"steps\": 100, \"innerSteps\": 20")).options().steps());
    }

    @Test
    void aClientJudgesWithRulesOfItsOwnAndNoWorkerConfiguration() throws Exception {
        RequestRules rules = new RequestRules(
                new RequestRules.Limits(64, 40, 20, 10, 400, 10, 5, 2),
                new RequestRules.InversionDefaults("direct", 10, 5.0, 0, 1e-5),
                new RequestRules.EditDefaults(0.5, 0.3),
                new RequestRules.Inputs(List.of("in", "out"), List.of("photos/", "jobs/"), "out", List.of("jobs/")),
                true);
        RequestValidator client = new RequestValidator(rules);
        InversionJob job = client.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"photos/a.png\"}}")));
        assertEquals(new ImageRef("in", "photos/a.png"), job.image());
        assertEquals(null, job.caption(), "captioned by the worker: the rules say it can");
        assertEquals(new InversionOptions(InversionMethod.DIRECT, 10, 5.0, 0, 1e-5, false), job.options());
        assertEquals(ErrorCode.INPUT_NOT_ALLOWED, assertThrows(JobFailure.class, () -> client.inversion(RequestReader.inversion(
                bytes("{\"requestId\": \"r1\", \"image\": {\"key\": \"other/a.png\"}, \"caption\": \"a cat\"}")))).code());
        assertEquals(ErrorCode.INPUT_NOT_ALLOWED, assertThrows(JobFailure.class, () -> client.inversion(RequestReader.inversion(
                bytes("{\"requestId\": \"r1\", \"image\": {\"bucket\": \"out\", \"key\": \"jobs/x.png\"}, \"caption\": \"a\"}"))))
                .code(), "the worker's own prefixes are never inputs, whatever the input prefixes say");
        assertEquals(new ImageRef("in", "jobs/x.png"), client.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"bucket\": \"in\", \"key\": \"jobs/x.png\"}}"))).image(),
                "in another bucket the same key is an input");
        assertEquals(ErrorCode.CAPTION_TOO_LONG, assertThrows(JobFailure.class, () -> client.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"r1\", \"caption\": \"" + "a".repeat(41) + "\"}")))).code());
        assertEquals(ErrorCode.BUDGET_EXCEEDED, assertThrows(JobFailure.class, () -> client.inversion(RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"photos/a.png\"}, \"options\": {\"method\": \"null-text\","
                        + " \"steps\": 20, \"innerSteps\": 6}}")))).code(), "20 + 20·20 + 40 > 400");
    }

    private static WireRequests.Inversion options(String fields) throws InvalidMessage {
        return RequestReader.inversion(bytes("{\"requestId\": \"r1\", \"image\": {\"key\": \"uploads/a.png\"}, "
                + "\"caption\": \"a cat\", \"options\": {" + fields + "}}"));
    }

    @Test
    void keysAreRelativePathsOfPlainSegments() {
        for (String key : List.of("a//b.png", "./a.png", "a/./b.png", "a/..", "dir/", "a\\b.png", "a\u0000b.png", "tab\there.png")) {
            assertEquals(ErrorCode.INVALID_IMAGE_KEY,
                    assertThrows(JobFailure.class, () -> validator.inversion(inversion(key, null)), key).code(), key);
        }
    }

    @Test
    void emphasisWordsAreMatchedByTheEnginesOwnWordRule() throws Exception {
        // inline (word:factor) is read as the editor reads it, and symbols and Unicode quotes are edge
        // punctuation as for the token positions (\p{Punct} alone knew neither)
        EditJob job = validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a (fluffy:2) \u201ccat\u201d\","
                        + " \"emphasis\": {\"fluffy\": 3, \"cat\": 2}}")));
        assertEquals(Map.of("fluffy", 3.0, "cat", 2.0), job.options().emphasis());
        assertEquals(List.of("a", "fluffy", "cat"), RequestValidator.words("a (fluffy:2) \u201ccat\u201d"));
        assertEquals(List.of("a", "cat"), RequestValidator.words("a \u00a9cat\u2122"));
        assertEquals(ErrorCode.INVALID_OPTIONS, assertThrows(JobFailure.class,
                () -> RequestValidator.words("a (fluffy:lots) cat")).code());
    }

    @Test
    void emphasisWordsAreCaptionWordsWhateverTheirCaseAndPunctuation() throws Exception {
        EditJob job = validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"A Fluffy, striped cat.\", \"emphasis\": {\"fluffy\": 2, \"cat\": -1}}")));
        assertEquals(Map.of("fluffy", 2.0, "cat", -1.0), job.options().emphasis());
        assertEquals(0.8, job.options().crossReplaceSteps());
        assertEquals(0.4, job.options().selfReplaceSteps());
        assertEquals(ErrorCode.INVALID_OPTIONS, assertThrows(JobFailure.class, () -> validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a striped cat\", \"emphasis\": {\"striped cat\": 2}}")))).code());
    }

    @Test
    void wordsKeptWithinALocalBlendAreSingleWordsAndNeedBlendWords() throws Exception {
        EditJob job = validator.edit(RequestReader.edit(bytes("{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\":"
                + " \"a cat on a blue background\", \"localBlend\": [\"background\"], \"localBlendExcept\": [\"cat\"]}")));
        assertEquals(List.of("background"), job.options().localBlend());
        assertEquals(List.of("cat"), job.options().localBlendExcept());
        assertEquals(List.of(), validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a cat\"}"))).options().localBlendExcept(),
                "absent: none");
        JobFailure alone = assertThrows(JobFailure.class, () -> validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a cat\", \"localBlendExcept\": [\"cat\"]}"))));
        assertEquals(ErrorCode.INVALID_OPTIONS, alone.code());
        assertTrue(alone.getMessage().contains("needs localBlend words"), alone.getMessage());
        assertEquals(ErrorCode.INVALID_OPTIONS, assertThrows(JobFailure.class, () -> validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a cat\", \"localBlend\": [\"cat\"],"
                        + " \"localBlendExcept\": [\"a cat\"]}")))).code(), "one word each");
        assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(InvalidMessage.class, () -> RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a cat\", \"localBlendExcept\": \"cat\"}"))).code());
    }

    @Test
    void anEmptyLocalBlendExceptHashesAsAnAbsentOneAndAGivenOneDiffers() throws Exception {
        EditJob plain = validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a cat\", \"localBlend\": [\"cat\"]}")));
        EditJob empty = validator.edit(RequestReader.edit(bytes("{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\":"
                + " \"a cat\", \"localBlend\": [\"cat\"], \"localBlendExcept\": []}")));
        EditJob except = validator.edit(RequestReader.edit(bytes("{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\":"
                + " \"a cat\", \"localBlend\": [\"cat\"], \"localBlendExcept\": [\"cat\"]}")));
        assertEquals(RequestHash.edit(plain), RequestHash.edit(empty), "an empty list is no list");
        assertNotEquals(RequestHash.edit(plain), RequestHash.edit(except));
    }

    @Test
    void tooManyWordsAreRefused() {
        StringBuilder blend = new StringBuilder("[");
        for (int i = 0; i < 17; i++) {
            blend.append(i == 0 ? "" : ",").append("\"w").append(i).append('"');
        }
        blend.append(']');
        assertEquals(ErrorCode.INVALID_OPTIONS, assertThrows(JobFailure.class, () -> validator.edit(RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"caption\": \"a cat\", \"localBlend\": " + blend + "}")))).code());
    }

    @Test
    void trailingGarbageIsNotJson() {
        assertEquals(ErrorCode.NOT_JSON, assertThrows(InvalidMessage.class, () -> RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"a.png\"}, \"caption\": \"a cat\"} {}"))).code());
    }

    @Test
    void aFieldNamedTwiceIsRefused() {
        InvalidMessage twice = assertThrows(InvalidMessage.class, () -> RequestReader.inversion(bytes(
                "{\"requestId\": \"r1\", \"image\": {\"key\": \"a.png\"}, \"caption\": \"a cat\", \"caption\": \"a dog\"}")));
        assertEquals(ErrorCode.INVALID_MESSAGE, twice.code());
        assertTrue(twice.getMessage().contains("'caption'"), twice.getMessage());
        assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(InvalidMessage.class, () -> RequestReader.edit(bytes(
                "{\"editId\": \"e1\", \"inversionId\": \"i1\", \"inversionId\": \"i2\", \"caption\": \"a cat\"}"))).code());
    }

    private static WireRequests.Inversion inversion(String key, String bucket) throws InvalidMessage {
        String image = bucket == null ? "{\"key\": \"" + key.replace("\\", "\\\\").replace("\u0000", "\\u0000").replace("\t", "\\t") + "\"}"
                : "{\"bucket\": \"" + bucket + "\", \"key\": \"" + key + "\"}";
        return RequestReader.inversion(bytes("{\"requestId\": \"r1\", \"image\": " + image + ", \"caption\": \"a cat\"}"));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
