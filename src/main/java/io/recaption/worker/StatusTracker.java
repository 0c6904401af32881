package io.recaption.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One job's {@code status.json}, next to its artifacts: {@code state} queued → running → succeeded | failed,
 * {@code progress} 0..1 (written at most once per {@code recaption.jobs.status-interval}, one attempt each),
 * timings and the error. State changes are written with retries; a status that cannot be written is logged,
 * never a reason to fail the job.
 */
public final class StatusTracker {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    private static final Logger LOG = Logger.getLogger(StatusTracker.class);

    private final ArtifactStore store;
    private final String key;
    private final Duration interval;
    private final Clock clock;
    private final ObjectNode status = JsonNodeFactory.instance.objectNode();
    private Instant startedAt;
    private Instant lastProgressWrite = Instant.MIN;

    StatusTracker(ArtifactStore store, String key, JobKind kind, String id, String inversionId, Duration interval, Clock clock) {
        this.store = store;
        this.key = key;
        this.interval = interval;
        this.clock = clock;
        status.put("schemaVersion", RequestReader.SCHEMA_VERSION);
        status.put("kind", kind.wireName());
        status.put("id", id);
        if (inversionId != null) {
            status.put("inversionId", inversionId);
        }
    }

    public String key() {
        return key;
    }

    /** Accepted: validated, waiting for its input. */
    public void queued() {
        status.put("state", QUEUED);
        status.put("progress", 0.0);
        status.put("acceptedAt", now().toString());
        write();
    }

    /** The engine starts. */
    public void running() {
        startedAt = now();
        status.put("state", RUNNING);
        status.put("progress", 0.0);
        status.put("startedAt", startedAt.toString());
        write();
    }

    /** Progress 0..1, written when the interval since the last write has passed. */
    public void progress(double fraction) {
        double clamped = Math.max(0, Math.min(1, fraction));
        status.put("progress", clamped);
        Instant now = now();
        if (Duration.between(lastProgressWrite, now).compareTo(interval) >= 0) {
            lastProgressWrite = now;
            status.put("updatedAt", now.toString());
            store.putJsonOnce(key, status);
        }
    }

    public void succeeded() {
        finish(SUCCEEDED);
        status.put("progress", 1.0);
        write();
    }

    public void failed(JobFailure failure) {
        finish(FAILED);
        ObjectNode error = status.putObject("error");
        error.put("code", failure.code().name());
        error.put("message", failure.getMessage());
        if (failure.code() == ErrorCode.STORAGE_UNAVAILABLE) {
            // S3 has just exhausted its retries: one more attempt, not another round
            status.put("updatedAt", now().toString());
            store.putJsonOnce(key, status);
        } else {
            write();
        }
    }

    /** Seconds since the engine started (0 when it did not). */
    public double seconds() {
        return startedAt == null ? 0 : Duration.between(startedAt, now()).toMillis() / 1000.0;
    }

    private void finish(String state) {
        Instant now = now();
        status.put("state", state);
        status.put("finishedAt", now.toString());
        if (startedAt != null) {
            status.put("seconds", seconds());
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private void write() {
        status.put("updatedAt", now().toString());
        try {
            store.putJson(key, status);
        } catch (StorageUnavailable | SdkException e) {
            LOG.warnf("status %s not written: %s", key, e.getMessage());
        }
    }
}
