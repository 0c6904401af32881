package io.recaption.web;

import io.recaption.protocol.JobStatus;
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
    static JobState of(Optional<JobStatus> status, boolean manifestExists) {
        if (status.isEmpty()) {
            return manifestExists ? new JobState(SUCCEEDED, 1, null, null) : new JobState(SUBMITTED, 0, null, null);
        }
        JobStatus s = status.get();
        ApiError failure = s.error() == null ? null : new ApiError(s.error().code(), s.error().message());
        return new JobState(s.state().wireName(), s.progress(), s.phase(), failure);
    }

    boolean succeeded() {
        return SUCCEEDED.equals(state);
    }
}
