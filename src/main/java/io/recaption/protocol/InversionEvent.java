package io.recaption.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.recaption.pipeline.CaptionSource;

/**
 * {@code inversion-events}: {@code {schemaVersion, requestId, inversionId (= requestId), status, attemptId?,
 * artifacts?, metrics?, caption?, captionSource?, error?, replayed?}}. A succeeded event carries the caption the
 * photo was inverted with and who wrote it ({@code user}, or {@code model} when the worker captioned it): edits
 * start from that caption.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InversionEvent(int schemaVersion, String requestId, String inversionId, String status, String attemptId,
        Artifacts artifacts, JobEvent.Metrics metrics, String caption, CaptionSource captionSource, JobEvent.Error error,
        Boolean replayed) implements JobEvent {

    /**
     * Where a succeeded inversion lies: {@code prefix} is the inversion's ({@code manifest.json},
     * {@code status.json}), {@code attemptPrefix} the winning attempt's files.
     */
    public record Artifacts(String bucket, String prefix, String attemptPrefix, String latentsKey,
            String nullEmbeddingsKey, String reconstructionKey, String manifestKey, String statusKey) {}

    public InversionEvent {
        if (requestId == null || status == null) {
            throw new IllegalArgumentException("an inversion event needs its id and status");
        }
        if (SUCCEEDED.equals(status) == (artifacts == null) || FAILED.equals(status) == (error == null)) {
            throw new IllegalArgumentException("succeeded events carry artifacts, failed ones an error");
        }
        if (SUCCEEDED.equals(status) && (caption == null || captionSource == null)) {
            throw new IllegalArgumentException("succeeded events carry the caption and its source");
        }
        replayed = Boolean.TRUE.equals(replayed) ? Boolean.TRUE : null;
    }

    @Override
    @JsonIgnore
    public String id() {
        return requestId;
    }

    @Override
    @JsonIgnore
    public boolean isReplay() {
        return replayed != null;
    }

    public static InversionEvent failed(String id, JobFailure failure, boolean replayed) {
        return new InversionEvent(RequestReader.SCHEMA_VERSION, id, id, FAILED, null, null, null, null, null,
                JobEvent.Error.of(failure), replayed);
    }
}
