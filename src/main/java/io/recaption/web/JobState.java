package io.recaption.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Where a job stands, from the worker's {@code status.json}: {@code submitted} (published, no worker has taken it
 * yet: e.g. the workers scale up from zero), then {@code queued}, {@code running}, {@code succeeded} or
 * {@code failed}; progress 0..1; the phase when the worker names one; the failure's code and message.
 */
public record JobState(String state, double progress, String phase, ApiError error) {

    public static final String SUBMITTED = "submitted";
    public static final String SUCCEEDED = "succeeded";

    public JobState {
        progress = Double.isFinite(progress) ? Math.max(0, Math.min(1, progress)) : 0;
    }

    /** From a status.json, or, without one, succeeded when the manifest exists and submitted otherwise. */
    static JobState of(Optional<JsonNode> status, boolean manifestExists) {
        if (status.isEmpty()) {
            return manifestExists ? new JobState(SUCCEEDED, 1, null, null) : new JobState(SUBMITTED, 0, null, null);
        }
        JsonNode s = status.get();
        JsonNode error = s.path("error");
        ApiError failure = error.isObject()
                ? new ApiError(error.path("code").asText("ENGINE_ERROR"), error.path("message").asText(""))
                : null;
        String phase = s.path("phase").isTextual() ? s.path("phase").asText() : null;
        return new JobState(s.path("state").asText(SUBMITTED), s.path("progress").asDouble(0), phase, failure);
    }

    boolean succeeded() {
        return SUCCEEDED.equals(state);
    }
}
