package io.recaption.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;

/**
 * Which run published a manifest, stamped by the service that ran it (the worker) on top of what the engine
 * wrote: the attempt whose files the manifest names, the hash of the request it answers, and the worker.
 *
 * @param attemptId the attempt's id, also the key segment its files were written under
 * @param requestHash {@code sha256:} of the canonical request; a re-sent id with another hash is a conflict
 * @param workerId the worker that ran it (a pod name)
 * @param owner who asked, null for a request without an owner: an edit is made only from an inversion of its own
 *     owner
 */
public record Provenance(String attemptId, String requestHash, String workerId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String owner) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    public Provenance {
        if (attemptId == null || !SEGMENT.matcher(attemptId).matches()) {
            throw new IllegalArgumentException("an attempt id must be a safe key segment, got " + attemptId);
        }
        if (requestHash == null || requestHash.isBlank()) {
            throw new IllegalArgumentException("a provenance needs the request's hash");
        }
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("a provenance needs the worker's id");
        }
    }
}
