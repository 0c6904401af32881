package io.recaption.worker;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.LogSafe;

import io.recaption.protocol.JobKind;
import io.recaption.protocol.RequestReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One job's {@code status.json}, next to its manifest: {@code state} queued → running → succeeded | failed,
 * {@code progress} 0..1 (written at most once per {@code recaption.jobs.status-interval}, one attempt each),
 * timings, the request's hash, the attempt and the error. Every write is conditional on the version last seen
 * ({@code If-Match}, or {@code If-None-Match: *} for the first), and a write that finds a finished status in
 * its way stops this tracker for good: a late write of a run that lost can never move a finished job back to
 * running. Only {@link #succeeded} may replace a failed status (the run that published the manifest decides).
 * A status that cannot be written is logged, never a reason to fail the job.
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
    private String etag;
    private boolean stopped;
    private Instant startedAt;
    private Instant lastProgressWrite = Instant.MIN;

    StatusTracker(ArtifactStore store, String key, JobKind kind, String id, String inversionId, String owner,
            String requestHash, Duration interval, Clock clock) {
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
        if (owner != null) {
            // who asked: the caption editor shows a job published to Kafka directly to its owner only
            status.put("owner", owner);
        }
        if (requestHash != null) {
            status.put("requestHash", requestHash);
        }
    }

    public String key() {
        return key;
    }

    /** Whether {@code state} is final. */
    public static boolean finished(String state) {
        return SUCCEEDED.equals(state) || FAILED.equals(state);
    }

    /** Accepted, waiting for its input or its turn; {@code waitingFor} names what (or null). */
    public void queued(String waitingFor) {
        status.put("state", QUEUED);
        status.put("progress", 0.0);
        if (!status.has("acceptedAt")) {
            status.put("acceptedAt", now().toString());
        }
        if (waitingFor != null) {
            status.put("waitingFor", waitingFor);
        } else {
            status.remove("waitingFor");
        }
        write(true);
    }

    /** Attempt {@code attemptId} of worker {@code workerId} starts the engine. */
    public void running(String attemptId, String workerId) {
        startedAt = now();
        status.remove("waitingFor");
        status.put("state", RUNNING);
        status.put("progress", 0.0);
        status.put("attemptId", attemptId);
        status.put("workerId", workerId);
        status.put("startedAt", startedAt.toString());
        write(true);
    }

    /** Progress 0..1, written when the interval since the last write has passed (one attempt). */
    public void progress(double fraction) {
        status.put("progress", Math.max(0, Math.min(1, fraction)));
        Instant now = now();
        if (Duration.between(lastProgressWrite, now).compareTo(interval) >= 0) {
            lastProgressWrite = now;
            write(false);
        }
    }

    public void succeeded(String attemptId) {
        finish(SUCCEEDED);
        status.put("progress", 1.0);
        status.put("attemptId", attemptId);
        status.remove("error");
        stopped = false;
        write(true);
    }

    public void failed(JobFailure failure) {
        finish(FAILED);
        ObjectNode error = status.putObject("error");
        error.put("code", failure.code().name());
        error.put("message", failure.getMessage());
        write(failure.code() != ErrorCode.STORAGE_UNAVAILABLE);
    }

    /** Seconds since the engine started (0 when it did not). */
    public double seconds() {
        return startedAt == null ? 0 : Duration.between(startedAt, now()).toMillis() / 1000.0;
    }

    private void finish(String state) {
        status.put("state", state);
        status.put("finishedAt", now().toString());
        if (startedAt != null) {
            status.put("seconds", seconds());
        }
    }

    private Instant now() {
        return clock.instant();
    }

    /** Writes the status unless a finished one stands in the way; {@code retrying} retries S3 until the deadline. */
    private void write(boolean retrying) {
        if (stopped) {
            return;
        }
        status.put("updatedAt", now().toString());
        byte[] bytes = status.toString().getBytes(StandardCharsets.UTF_8);
        boolean succeeding = SUCCEEDED.equals(status.path("state").asText());
        try {
            for (int tries = 0; tries < 3; tries++) {
                Optional<String> written = etag == null ? store.create(key, bytes) : replace(bytes, retrying);
                if (written.isPresent()) {
                    etag = written.get();
                    return;
                }
                Optional<ArtifactStore.Versioned> current = store.read(key);
                etag = current.map(ArtifactStore.Versioned::etag).orElse(null);
                String state = current.map(v -> store.parse(key, v.bytes()).path("state").asText()).orElse("");
                if (SUCCEEDED.equals(state) || (FAILED.equals(state) && !succeeding)) {
                    LOG.debugf("status %s is already %s: not overwritten", LogSafe.text(key), state);
                    stopped = true;
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("status %s not written: %s", LogSafe.text(key), e.getMessage());
        }
    }

    private Optional<String> replace(byte[] bytes, boolean retrying) {
        return retrying ? store.replace(key, bytes, etag) : store.replaceOnce(key, bytes, etag);
    }

    /** The state of a status document ("" when absent). */
    static String state(Optional<JsonNode> status) {
        return status.map(s -> s.path("state").asText()).orElse("");
    }
}
