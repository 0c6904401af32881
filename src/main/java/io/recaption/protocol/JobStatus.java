package io.recaption.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A job's {@code status.json} (DESIGN §5), next to its manifest: what the worker says of the job while it runs and
 * after. The worker writes it ({@code StatusTracker}), the status endpoint serves it and the caption editor reads
 * it; {@link JobStatuses} is its one mapper. {@code progress} is 0..1; times are the worker's clock, never a
 * client's; {@code phase} is the engine's phase while it runs (null otherwise); {@code error} is set exactly when
 * the state is {@link State#FAILED}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(int schemaVersion, String kind, String id, String inversionId, String owner,
        String requestHash, State state, double progress, String phase, String waitingFor, String attemptId, String workerId,
        Instant acceptedAt, Instant startedAt, Instant finishedAt, Instant updatedAt, Double seconds,
        JobEvent.Error error) {

    /**
     * queued → running → succeeded | failed. A finished job stays finished, with one exception: a failed status
     * may become succeeded, because the run that published the manifest decides (a slower attempt may have
     * failed after another one won). A job that goes back on its topic is queued again.
     */
    public enum State {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static State of(String wireName) {
            return valueOf(wireName.toUpperCase(Locale.ROOT));
        }

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED;
        }

        /** Whether a stored status in this state may be replaced by one in {@code next}. */
        public boolean mayBecome(State next) {
            return switch (this) {
                case QUEUED, RUNNING -> true;
                case FAILED -> next == SUCCEEDED;
                case SUCCEEDED -> false;
            };
        }
    }

    public JobStatus {
        if (kind == null || id == null || state == null) {
            throw new IllegalArgumentException("a status needs its kind, id and state");
        }
        if ((state == State.FAILED) != (error != null)) {
            throw new IllegalArgumentException("a failed status, and only a failed one, carries an error");
        }
        progress = Double.isFinite(progress) ? Math.max(0, Math.min(1, progress)) : 0;
    }

    /** The first status of a job: queued at {@code now}, waiting for {@code waitingFor} (or null). */
    public static JobStatus accepted(String kind, String id, String inversionId, String owner, String requestHash,
            Instant now) {
        return new JobStatus(RequestReader.SCHEMA_VERSION, kind, id, inversionId, owner, requestHash, State.QUEUED, 0,
                null, null, null, null, now, null, null, now, null, null);
    }

    /** Queued (again), waiting for {@code waitingFor} (or null). */
    public JobStatus queued(String waitingFor, Instant now) {
        return new JobStatus(schemaVersion, kind, id, inversionId, owner, requestHash, State.QUEUED, 0, null, waitingFor,
                attemptId, workerId, acceptedAt == null ? now : acceptedAt, startedAt, null, now, null, null);
    }

    /** Attempt {@code attempt} of worker {@code worker} has the engine. */
    public JobStatus running(String attempt, String worker, Instant now) {
        return new JobStatus(schemaVersion, kind, id, inversionId, owner, requestHash, State.RUNNING, 0, null, null,
                attempt, worker, acceptedAt, now, null, now, null, null);
    }

    /** {@code fraction} 0..1 of the job done, in {@code phase} (the engine's label, or null). */
    public JobStatus progressed(double fraction, String phase, Instant now) {
        return new JobStatus(schemaVersion, kind, id, inversionId, owner, requestHash, state, fraction, phase, waitingFor,
                attemptId, workerId, acceptedAt, startedAt, finishedAt, now, seconds, error);
    }

    /** Succeeded with attempt {@code attempt}'s result (the one the manifest names). */
    public JobStatus succeeded(String attempt, Instant now) {
        return new JobStatus(schemaVersion, kind, id, inversionId, owner, requestHash, State.SUCCEEDED, 1, null, null,
                attempt, workerId, acceptedAt, startedAt, now, now, secondsUntil(now), null);
    }

    public JobStatus failed(JobEvent.Error failure, Instant now) {
        return new JobStatus(schemaVersion, kind, id, inversionId, owner, requestHash, State.FAILED, progress, phase, null,
                attemptId, workerId, acceptedAt, startedAt, now, now, secondsUntil(now), failure);
    }

    /** Seconds since the engine started, at {@code now} (null when it did not start). */
    private Double secondsUntil(Instant now) {
        return startedAt == null ? null : Duration.between(startedAt, now).toMillis() / 1000.0;
    }

}
