package io.recaption.protocol;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hash that binds an id to its request's content: SHA-256 of a canonical JSON (keys sorted, defaults
 * filled in) of the validated request, without its own id. An inversion's includes the input's bucket, key
 * and the SHA-256 of the bytes the worker read — the same key overwritten with another photo is other content;
 * results stored before carry the object's ETag in its place ({@link #inversionByETag}) — its caption (or, for a
 * request without one, the mark that the worker's captioning model writes it: no caption is other content than
 * any caption) and every option; an edit's includes the inversion id and every edit field. Same id and hash: a replay; same id,
 * other hash: {@link ErrorCode#ID_CONFLICT}.
 */
public final class RequestHash {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private RequestHash() {}

    /** With {@code contentDigest}, the {@code sha256:} hex digest of the input's bytes. */
    public static String inversion(InversionJob job, String contentDigest) {
        return inversion(job, "content", contentDigest);
    }

    /** As results stored before content digests were hashed: with the input's ETag. */
    public static String inversionByETag(InversionJob job, String inputETag) {
        return inversion(job, "etag", inputETag);
    }

    private static String inversion(InversionJob job, String identityField, String identity) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("kind", "inversion");
        canonical.put("bucket", job.image().bucket());
        canonical.put("key", job.image().key());
        canonical.put(identityField, identity);
        if (job.captionedByModel()) {
            // a key no captioned request has, rather than "caption": null, so that the two can never meet; the
            // captioned form is left exactly as it was, so that stored results keep their hashes
            canonical.put("captionBy", "model");
        } else {
            canonical.put("caption", job.caption());
        }
        InversionOptions o = job.options();
        canonical.put("method", o.method().label());
        canonical.put("steps", o.steps());
        canonical.put("guidanceScale", o.guidanceScale());
        canonical.put("innerSteps", o.innerSteps());
        canonical.put("earlyStopEpsilon", o.earlyStopEpsilon());
        canonical.put("truncateCaption", o.truncateCaption());
        owner(canonical, job.owner());
        return hash(canonical);
    }

    public static String edit(EditJob job) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("kind", "edit");
        canonical.put("inversionId", job.inversionId());
        EditOptions o = job.options();
        canonical.put("caption", o.caption());
        canonical.put("emphasis", o.emphasis());
        canonical.put("localBlend", o.localBlend());
        if (!o.localBlendExcept().isEmpty()) {
            // only when given: a request without it hashes as it did before the field existed
            canonical.put("localBlendExcept", o.localBlendExcept());
        }
        canonical.put("crossReplaceSteps", o.crossReplaceSteps());
        canonical.put("selfReplaceSteps", o.selfReplaceSteps());
        owner(canonical, job.owner());
        return hash(canonical);
    }

    /**
     * The owner is part of what was asked: one id sent by two owners is a conflict, never one's replay of the
     * other's result. Absent for a request without one, so that results stored before owners keep their hashes.
     */
    private static void owner(Map<String, Object> canonical, String owner) {
        if (owner != null) {
            canonical.put("owner", owner);
        }
    }

    private static String hash(Map<String, Object> canonical) {
        try {
            byte[] bytes = CANONICAL.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a request", e);
        }
    }
}
