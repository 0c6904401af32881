package io.recaption.worker.store;

import io.recaption.worker.JobMetrics;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Whether S3 answers, as the worker's own calls last saw it, and the retry policy that rides out an outage:
 * exponential backoff ({@code recaption.storage.retry.*}) until the running job's deadline (outside a job,
 * {@code max-wait}). While the last call failed, readiness is down and no new record is taken
 * ({@link #awaitUp}): an outage pauses consumption instead of failing the queue.
 */
@ApplicationScoped
public class StorageHealth {

    private static final Logger LOG = Logger.getLogger(StorageHealth.class);

    private final RecaptionConfig config;
    private final JobMetrics metrics;
    private final Clock clock;
    private volatile Instant downSince;

    public StorageHealth(RecaptionConfig config, JobMetrics metrics, Clock clock) {
        this.clock = clock;
        this.config = config;
        this.metrics = metrics;
    }

    /** Since when S3 has been failing, if it is. */
    public Optional<Instant> downSince() {
        return Optional.ofNullable(downSince);
    }

    public boolean up() {
        return downSince == null;
    }

    void succeeded() {
        if (downSince != null) {
            LOG.infof("S3 answers again after %d s", Duration.between(downSince, clock.instant()).toSeconds());
            downSince = null;
        }
    }

    void failed() {
        if (downSince == null) {
            downSince = clock.instant();
        }
    }

    /**
     * Calls {@code call} until it returns, retrying what {@code transientFailure} accepts with backoff until the
     * deadline; then {@link StorageUnavailable}. A job being cancelled (shutdown) stops the retries.
     */
    <T> T retry(String what, Supplier<T> call, java.util.function.Predicate<RuntimeException> transientFailure) {
        RunningJob job = RunningJob.onThisThread();
        Instant deadline = job != null ? job.deadline() : clock.instant().plus(config.storage().retry().maxWait());
        long backoff = config.storage().retry().initialBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.get();
                succeeded();
                return result;
            } catch (RuntimeException e) {
                if (!transientFailure.test(e)) {
                    throw e;
                }
                failed();
                if (clock.instant().plusMillis(backoff).isAfter(deadline)) {
                    throw new StorageUnavailable(what + " failed until the deadline (" + attempt + " attempts)", e);
                }
                metrics.storageRetry();
                LOG.warnf("S3 %s failed (attempt %d), retrying in %d ms: %s", what, attempt, backoff, e.getMessage());
            }
            sleep(backoff, job);
            backoff = Math.min(backoff * 2, config.storage().retry().maxBackoff().toMillis());
        }
    }

    /**
     * Blocks while S3 is known to be down, probing it with backoff, so that no record is taken during an
     * outage; returns false when {@code keepWaiting} turns false first (shutdown).
     */
    public boolean awaitUp(Supplier<Boolean> probe, Supplier<Boolean> keepWaiting) {
        long backoff = config.storage().retry().initialBackoff().toMillis();
        while (downSince != null) {
            if (!keepWaiting.get()) {
                return false;
            }
            if (probe.get()) {
                succeeded();
                return true;
            }
            sleep(backoff, null);
            backoff = Math.min(backoff * 2, config.storage().retry().maxBackoff().toMillis());
        }
        return true;
    }

    private static void sleep(long millis, RunningJob job) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailable("interrupted while waiting to retry", e);
        }
        if (job != null) {
            job.checkCancelled();
        }
    }
}
