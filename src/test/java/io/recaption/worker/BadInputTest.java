package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.protocol.ErrorCode;
import io.recaption.worker.kafka.JobRunner;
import io.recaption.worker.ladder.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every bad input of the issue, through the real topics: each ends in a dead letter (with its reason and code
 * in headers) or a failed event with a clear code, and the consumers keep going (a good inversion and edit
 * succeed after all of them). Prints a table of what was observed.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class BadInputTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PHOTO = "uploads/bad-input/photo.png";
    private static final String TEXT = "uploads/bad-input/notes.png";
    private static final String EMPTY = "uploads/bad-input/empty.png";
    private static final String BOMB = "uploads/bad-input/bomb.png";
    private static final String HUGE = "uploads/bad-input/huge.png";

    private static TestKafka kafka;
    private static S3Client s3;

    /** One bad input: what is published and what must come of it. */
    private record Case(String name, String topic, String key, byte[] value, Outcome expected) {}

    /** A dead letter with {@code code}, or an event with {@code status} (and {@code code} when failed). */
    private record Outcome(boolean deadLetter, String status, String code) {
        static Outcome deadLetter(ErrorCode code) {
            return new Outcome(true, null, code.name());
        }

        static Outcome failed(ErrorCode code) {
            return new Outcome(false, "failed", code.name());
        }

        static Outcome succeeded() {
            return new Outcome(false, "succeeded", null);
        }

        @Override
        public String toString() {
            return deadLetter ? "dead letter " + code : code == null ? status : status + " " + code;
        }
    }

    @BeforeAll
    static void setUp() {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        put(SharedStack.UPLOADS_BUCKET, PHOTO, TestImages.photo());
        put(SharedStack.FORBIDDEN_BUCKET, PHOTO, TestImages.photo());
        put(SharedStack.UPLOADS_BUCKET, TEXT, "these are notes, not a picture".getBytes(StandardCharsets.UTF_8));
        put(SharedStack.UPLOADS_BUCKET, EMPTY, new byte[0]);
        put(SharedStack.UPLOADS_BUCKET, BOMB, TestImages.decompressionBomb(30_000));
        byte[] huge = new byte[(int) WorkerTestProfile.MAX_IMAGE_BYTES + 1024];
        new Random(7).nextBytes(huge);
        put(SharedStack.UPLOADS_BUCKET, HUGE, huge);
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
        s3.close();
    }

    @Test
    void everyBadInputEndsInADeadLetterOrAFailedEventAndTheConsumersKeepGoing() throws Exception {
        // an inversion the edit cases can refer to
        String inversionId = Requests.newId("bad-input-base");
        kafka.send(SharedStack.INVERSION_REQUESTS, inversionId,
                Requests.inversion(inversionId, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat sitting on a floor"));
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", inversionId, TIMEOUT)
                .path("status").asText());

        String longCaption = String.join(" ", Collections.nCopies(100, "cat"));
        String megabyteCaption = "a".repeat(1_000_000);
        List<Case> cases = new ArrayList<>();
        // ---- inversion requests that are not requests: dead letters ----
        cases.add(raw("not JSON", SharedStack.INVERSION_REQUESTS, "{\"requestId\": \"x\", caption".getBytes(StandardCharsets.UTF_8), ErrorCode.NOT_JSON));
        cases.add(raw("binary garbage", SharedStack.INVERSION_REQUESTS, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}, ErrorCode.NOT_JSON));
        cases.add(raw("empty record", SharedStack.INVERSION_REQUESTS, new byte[0], ErrorCode.NOT_JSON));
        cases.add(raw("JSON array", SharedStack.INVERSION_REQUESTS, "[1, 2, 3]".getBytes(StandardCharsets.UTF_8), ErrorCode.INVALID_MESSAGE));
        cases.add(inversion("image is a string", r -> r.put("image", PHOTO), Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(inversion("no requestId", r -> remove(r, "requestId"), Outcome.deadLetter(ErrorCode.MISSING_FIELD)));
        cases.add(inversion("no image.key", r -> { r.with("image").remove("key"); return r; }, Outcome.deadLetter(ErrorCode.MISSING_FIELD)));
        cases.add(inversion("caption is a number", r -> r.put("caption", 42), Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(inversion("steps is a string", r -> { options(r).put("steps", "fifty"); return r; }, Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(inversion("truncateCaption is a string", r -> { options(r).put("truncateCaption", "yes"); return r; }, Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(inversion("schemaVersion 2", r -> r.put("schemaVersion", 2), Outcome.deadLetter(ErrorCode.UNSUPPORTED_SCHEMA_VERSION)));
        cases.add(inversion("schemaVersion is a string", r -> r.put("schemaVersion", "1"), Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(inversion("requestId with ..", r -> r.put("requestId", "../../etc"), Outcome.deadLetter(ErrorCode.INVALID_ID)));
        cases.add(inversion("requestId with a slash", r -> r.put("requestId", "a/b"), Outcome.deadLetter(ErrorCode.INVALID_ID)));
        // ---- inversion requests with bad values: failed events ----
        cases.add(inversion("empty caption", r -> r.put("caption", ""), Outcome.failed(ErrorCode.EMPTY_CAPTION)));
        // a caption is optional on the wire; this worker has no captioning model to write one
        cases.add(inversion("no caption", r -> remove(r, "caption"), Outcome.failed(ErrorCode.CAPTION_REQUIRED)));
        cases.add(inversion("blank caption", r -> r.put("caption", "   "), Outcome.failed(ErrorCode.EMPTY_CAPTION)));
        cases.add(inversion("caption over 77 tokens", r -> r.put("caption", longCaption), Outcome.failed(ErrorCode.CAPTION_TOO_LONG)));
        cases.add(inversion("caption over 77 tokens, truncation requested",
                r -> { options(r.put("caption", longCaption + " truncated")).put("truncateCaption", true); return r; }, Outcome.succeeded()));
        cases.add(inversion("1 MB caption", r -> r.put("caption", megabyteCaption), Outcome.failed(ErrorCode.CAPTION_TOO_LONG)));
        cases.add(inversion("image key that does not exist", r -> image(r, SharedStack.UPLOADS_BUCKET, "uploads/missing.png"), Outcome.failed(ErrorCode.IMAGE_NOT_FOUND)));
        cases.add(inversion("bucket not allowed", r -> image(r, SharedStack.FORBIDDEN_BUCKET, PHOTO), Outcome.failed(ErrorCode.BUCKET_NOT_ALLOWED)));
        cases.add(inversion("bucket that does not exist", r -> image(r, "no-such-bucket", PHOTO), Outcome.failed(ErrorCode.BUCKET_NOT_ALLOWED)));
        cases.add(inversion(".. in the key", r -> image(r, SharedStack.UPLOADS_BUCKET, "uploads/../bad-input/photo.png"), Outcome.failed(ErrorCode.INVALID_IMAGE_KEY)));
        cases.add(inversion("absolute key", r -> image(r, SharedStack.UPLOADS_BUCKET, "/etc/passwd"), Outcome.failed(ErrorCode.INVALID_IMAGE_KEY)));
        cases.add(inversion("key too long", r -> image(r, SharedStack.UPLOADS_BUCKET, "k".repeat(600)), Outcome.failed(ErrorCode.INVALID_IMAGE_KEY)));
        cases.add(inversion("object that is not an image", r -> image(r, SharedStack.UPLOADS_BUCKET, TEXT), Outcome.failed(ErrorCode.NOT_AN_IMAGE)));
        cases.add(inversion("zero-byte object", r -> image(r, SharedStack.UPLOADS_BUCKET, EMPTY), Outcome.failed(ErrorCode.NOT_AN_IMAGE)));
        cases.add(inversion("decompression-bomb PNG (30000x30000)", r -> image(r, SharedStack.UPLOADS_BUCKET, BOMB), Outcome.failed(ErrorCode.IMAGE_TOO_LARGE)));
        cases.add(inversion("object over the byte limit", r -> image(r, SharedStack.UPLOADS_BUCKET, HUGE), Outcome.failed(ErrorCode.IMAGE_TOO_LARGE)));
        cases.add(rawInversion("steps NaN", "\"steps\": NaN", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("steps -5", "\"steps\": -5", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("steps 1e9", "\"steps\": 1e9", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("steps 2.5", "\"steps\": 2.5", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("steps 10^30", "\"steps\": 1000000000000000000000000000000", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("guidanceScale NaN", "\"guidanceScale\": NaN", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("guidanceScale -1", "\"guidanceScale\": -1", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("guidanceScale 1e308", "\"guidanceScale\": 1e308", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("guidanceScale Infinity", "\"guidanceScale\": Infinity", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("innerSteps -1", "\"innerSteps\": -1", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("earlyStopEpsilon NaN", "\"earlyStopEpsilon\": NaN", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawInversion("unknown method", "\"method\": \"magic\"", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        // ---- edit requests that are not requests: dead letters ----
        cases.add(raw("edit: not JSON", SharedStack.EDIT_REQUESTS, "editId=1".getBytes(StandardCharsets.UTF_8), ErrorCode.NOT_JSON));
        cases.add(edit("edit: no inversionId", inversionId, r -> remove(r, "inversionId"), Outcome.deadLetter(ErrorCode.MISSING_FIELD)));
        cases.add(edit("edit: emphasis is an array", inversionId, r -> r.set("emphasis", r.arrayNode().add("cat")), Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(edit("edit: emphasis factor is a string", inversionId, r -> r.set("emphasis", r.objectNode().put("cat", "big")), Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(edit("edit: localBlend is a string", inversionId, r -> r.put("localBlend", "cat"), Outcome.deadLetter(ErrorCode.INVALID_MESSAGE)));
        cases.add(edit("edit: editId with ..", inversionId, r -> r.put("editId", ".."), Outcome.deadLetter(ErrorCode.INVALID_ID)));
        // ---- edit requests with bad values: failed events ----
        cases.add(edit("edit: unknown inversion", Requests.newId("no-such-inversion"), r -> r, Outcome.failed(ErrorCode.INVERSION_NOT_FOUND)));
        cases.add(edit("edit: emphasis word absent from the caption", inversionId,
                r -> r.set("emphasis", r.objectNode().put("dog", 2.0)), Outcome.failed(ErrorCode.EMPHASIS_WORD_NOT_IN_CAPTION)));
        cases.add(rawEdit("edit: emphasis factor NaN", inversionId, "\"emphasis\": {\"tiger\": NaN}", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawEdit("edit: emphasis factor 1e6", inversionId, "\"emphasis\": {\"tiger\": 1e6}", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawEdit("edit: crossReplaceSteps 1.5", inversionId, "\"crossReplaceSteps\": 1.5", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(rawEdit("edit: selfReplaceSteps -0.1", inversionId, "\"selfReplaceSteps\": -0.1", Outcome.failed(ErrorCode.INVALID_OPTIONS)));
        cases.add(edit("edit: empty caption", inversionId, r -> r.put("caption", ""), Outcome.failed(ErrorCode.EMPTY_CAPTION)));
        cases.add(edit("edit: caption over 77 tokens", inversionId, r -> r.put("caption", longCaption), Outcome.failed(ErrorCode.CAPTION_TOO_LONG)));
        cases.add(edit("edit: 1 MB caption", inversionId, r -> r.put("caption", megabyteCaption), Outcome.failed(ErrorCode.CAPTION_TOO_LONG)));
        cases.add(edit("edit: local-blend word in neither caption", inversionId,
                r -> r.set("localBlend", r.arrayNode().add("zebra")), Outcome.failed(ErrorCode.INVALID_OPTIONS)));

        for (Case c : cases) {
            kafka.send(c.topic(), c.key(), c.value());
        }
        // the consumers are still running: a good inversion and a good edit after all of that
        String goodInversion = Requests.newId("after-bad-input");
        kafka.send(SharedStack.INVERSION_REQUESTS, goodInversion,
                Requests.inversion(goodInversion, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat on a mat"));
        String goodEdit = Requests.newId("after-bad-input-edit");
        kafka.send(SharedStack.EDIT_REQUESTS, goodEdit, Requests.edit(goodEdit, inversionId, "a tiger sitting on a floor"));

        List<String> mismatches = new ArrayList<>();
        System.out.println("bad input | expected | observed | reason");
        for (Case c : cases) {
            String[] observed = observe(c);
            String line = c.name() + " | " + c.expected() + " | " + observed[0] + " | " + observed[1];
            System.out.println(line);
            if (!observed[0].equals(c.expected().toString())) {
                mismatches.add(line);
            }
        }
        assertTrue(mismatches.isEmpty(), "unexpected outcomes:\n" + String.join("\n", mismatches));
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", goodInversion, TIMEOUT).path("status").asText());
        assertEquals("succeeded", kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", goodEdit, TIMEOUT).path("status").asText());
    }

    /** [outcome as Outcome.toString(), reason] of a case. */
    private String[] observe(Case c) {
        boolean inversion = c.topic().equals(SharedStack.INVERSION_REQUESTS);
        if (c.expected().deadLetter()) {
            ConsumerRecord<String, byte[]> letter = kafka.awaitDeadLetter(
                    inversion ? SharedStack.INVERSION_DLQ : SharedStack.EDIT_DLQ, c.key(), TIMEOUT);
            String reason = TestKafka.header(letter, "dead-letter-reason");
            assertTrue(reason != null && !reason.isBlank(), c.name() + ": a dead-letter-reason header");
            assertEquals(c.topic(), TestKafka.header(letter, "dead-letter-topic"), c.name());
            return new String[] {"dead letter " + TestKafka.header(letter, JobRunner.ERROR_CODE_HEADER), reason};
        }
        JsonNode event = kafka.awaitEvent(inversion ? SharedStack.INVERSION_EVENTS : SharedStack.EDIT_EVENTS,
                inversion ? "requestId" : "editId", c.key(), TIMEOUT);
        String status = event.path("status").asText();
        JsonNode error = event.path("error");
        return new String[] {error.isMissingNode() ? status : status + " " + error.path("code").asText(), error.path("message").asText("")};
    }

    private static Case raw(String name, String topic, byte[] value, ErrorCode code) {
        return new Case(name, topic, "case-" + UUID.randomUUID(), value, Outcome.deadLetter(code));
    }

    /** A valid inversion request changed by {@code change}; the record key is its id (or a fresh one). */
    private static Case inversion(String name, UnaryOperator<ObjectNode> change, Outcome expected) {
        String id = Requests.newId("case");
        ObjectNode request = change.apply(Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
        return new Case(name, SharedStack.INVERSION_REQUESTS, id, request.toString().getBytes(StandardCharsets.UTF_8), expected);
    }

    /** A valid inversion request with one more options field written as raw JSON (NaN, Infinity, huge numbers). */
    private static Case rawInversion(String name, String optionsField, Outcome expected) {
        String id = Requests.newId("case");
        String json = "{\"requestId\": \"" + id + "\", \"image\": {\"bucket\": \"" + SharedStack.UPLOADS_BUCKET + "\", \"key\": \""
                + PHOTO + "\"}, \"caption\": \"a cat\", \"options\": {" + optionsField + "}}";
        return new Case(name, SharedStack.INVERSION_REQUESTS, id, json.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static Case edit(String name, String inversionId, UnaryOperator<ObjectNode> change, Outcome expected) {
        String id = Requests.newId("case");
        ObjectNode request = change.apply(Requests.edit(id, inversionId, "a tiger sitting on a floor"));
        return new Case(name, SharedStack.EDIT_REQUESTS, id, request.toString().getBytes(StandardCharsets.UTF_8), expected);
    }

    private static Case rawEdit(String name, String inversionId, String field, Outcome expected) {
        String id = Requests.newId("case");
        String json = "{\"editId\": \"" + id + "\", \"inversionId\": \"" + inversionId
                + "\", \"caption\": \"a tiger sitting on a floor\", " + field + "}";
        return new Case(name, SharedStack.EDIT_REQUESTS, id, json.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static ObjectNode remove(ObjectNode node, String field) {
        node.remove(field);
        return node;
    }

    private static ObjectNode options(ObjectNode request) {
        return request.with("options");
    }

    private static ObjectNode image(ObjectNode request, String bucket, String key) {
        request.with("image").put("bucket", bucket).put("key", key);
        return request;
    }

    private static void put(String bucket, String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }
}
