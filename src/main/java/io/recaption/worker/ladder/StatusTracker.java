package io.recaption.worker.ladder;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.JobStatuses;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.store.ArtifactStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Writes one job's {@code status.json} ({@link JobStatus}), next to its manifest: queued → running → succeeded | failed,
 * {@code progress} 0..1 (written at most once per {@code recaption.jobs.status-interval}, one attempt each),
 * timings, the request's hash, the attempt and the error. Every write is conditional on the version last seen
 * ({@code If-Match}, or {@code If-None-Match: *} for the first), and a write that finds a finished status in
 * its way stops this tracker for good: a late write of a run that lost can never move a finished job back to
 * running ({@link JobStatus.State#mayBecome}).
 * A status that cannot be written is logged, never a reason to fail the job; an end is tried again first.
 */
public final class StatusTracker {

    private static final Logger LOG = Logger.getLogger(StatusTracker.class);

    private final ArtifactStore store;
    private final String key;
    private final Duration interval;
    private final Clock clock;
    private JobStatus status;
    private String etag;
    private boolean stopped;
    private Instant lastProgressWrite = Instant.MIN;

    StatusTracker(ArtifactStore store, String key, JobKind kind, String id, String inversionId, String owner,
            String requestHash, Duration interval, Clock clock) {
        this.store = store;
        this.key = key;
        this.interval = interval;
        this.clock = clock;
        // owner: who asked; the caption editor shows a job published to Kafka directly to its owner only
        this.status = JobStatus.accepted(kind.wireName(), id, inversionId, owner, requestHash, clock.instant());
    }

    public String key() {
        return key;
    }

    /** Accepted, waiting for its input or its turn; {@code waitingFor} names what (or null). */
    public void queued(String waitingFor) {
        status = status.queued(waitingFor, now());
        write(true);
    }

    /**
     * Abandoned at shutdown, the record left for redelivery: queued again, written once (shutdown does not wait
     * out an outage; a status left running is set right by the redelivered run).
     */
    public void abandoned(String why) {
        status = status.queued(why, now());
        write(false);
    }

    /** Attempt {@code attemptId} of worker {@code workerId} starts the engine. */
    public void running(String attemptId, String workerId) {
        status = status.running(attemptId, workerId, now());
        write(true);
    }

    /** Progress 0..1 in {@code phase}, written when the interval since the last write has passed (one attempt). */
    public void progress(double fraction, String phase) {
        Instant now = now();
        status = status.progressed(fraction, phase, now);
        if (Duration.between(lastProgressWrite, now).compareTo(interval) >= 0) {
            lastProgressWrite = now;
            write(false);
        }
    }

    public void succeeded(String attemptId) {
        status = status.succeeded(attemptId, now());
        stopped = false;
        write(true);
    }

    public void failed(JobFailure failure) {
        status = status.failed(JobEvent.Error.of(failure), now());
        write(failure.code() != ErrorCode.STORAGE_UNAVAILABLE);
    }

    /** Seconds since the engine started (0 when it did not). */
    public double seconds() {
        return status.startedAt() == null ? 0 : Duration.between(status.startedAt(), now()).toMillis() / 1000.0;
    }

    private Instant now() {
        return clock.instant();
    }

    /**
     * Writes the status unless a finished one stands in the way; {@code retrying} retries S3 until the deadline.
     * A write that fails otherwise (not an outage: a bug, an answer nobody planned for) is given up for a
     * progress update, but an end (succeeded, failed) is tried again from the stored version: the event is about
     * to say the job ended, and the status must say the same.
     */
    private void write(boolean retrying) {
        if (stopped) {
            return;
        }
        byte[] bytes = JobStatuses.write(status);
        boolean end = status.state() == JobStatus.State.SUCCEEDED || status.state() == JobStatus.State.FAILED;
        for (int tries = 0; tries < 3; tries++) {
            try {
                Optional<String> written = etag == null ? store.create(key, bytes) : replace(bytes, retrying);
                if (written.isPresent()) {
                    etag = written.get();
                    return;
                }
                if (refreshed()) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!end || tries == 2) {
                    LOG.log(end ? Logger.Level.ERROR : Logger.Level.WARN,
                            "status " + LogSafe.text(key) + " not written: " + e.getMessage());
                    return;
                }
                LOG.warnf("status %s not written (%s); trying again", LogSafe.text(key), e.getMessage());
                try {
                    if (refreshed()) {
                        return;
                    }
                } catch (RuntimeException again) {
                    etag = null;
                }
            }
        }
    }

    /**
     * After a write that did not land: the stored version becomes the one the next write is conditional on. True
     * when the stored status is finished and may not become this one (this tracker then stops for good).
     */
    private boolean refreshed() {
        Optional<ArtifactStore.Versioned> current = store.read(key);
        etag = current.map(ArtifactStore.Versioned::etag).orElse(null);
        Optional<JobStatus.State> stored = current.flatMap(v -> storedState(v.bytes()));
        if (stored.isPresent() && !stored.get().mayBecome(status.state())) {
            LOG.debugf("status %s is already %s: not overwritten", LogSafe.text(key), stored.get().wireName());
            stopped = true;
            return true;
        }
        return false;
    }

    /** The state of a stored status; empty when it is unreadable (this tracker then replaces it). */
    private Optional<JobStatus.State> storedState(byte[] bytes) {
        try {
            return Optional.of(JobStatuses.read(bytes).state());
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("status %s is not a status: %s", LogSafe.text(key), unreadable.getMessage());
            return Optional.empty();
        }
    }

    private Optional<String> replace(byte[] bytes, boolean retrying) {
        return retrying ? store.replace(key, bytes, etag) : store.replaceOnce(key, bytes, etag);
    }
}
