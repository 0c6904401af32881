package io.recaption.worker;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The worker's one job at a time and its graceful shutdown. On shutdown (before the Kafka connector closes) the
 * worker stops taking records — a record delivered after that is left unacknowledged, hence uncommitted and
 * redelivered to the next worker — and waits up to {@code recaption.jobs.shutdown-grace} for the running
 * job. A job still running then is cancelled through its progress callback and abandoned uncommitted.
 */
@ApplicationScoped
public class JobLifecycle {

    private static final Logger LOG = Logger.getLogger(JobLifecycle.class);
    /** How long a cancelled job gets to unwind (release its memory, delete its files). */
    private static final Duration UNWIND = Duration.ofSeconds(10);

    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final AtomicReference<RunningJob> current = new AtomicReference<>();
    private final RecaptionConfig config;
    private final Clock clock = Clock.systemUTC();

    public JobLifecycle(RecaptionConfig config) {
        this.config = config;
    }

    public boolean accepting() {
        return accepting.get();
    }

    public Optional<RunningJob> current() {
        return Optional.ofNullable(current.get());
    }

    RunningJob start(JobKind kind, String id, Instant firstSeen) {
        RunningJob job = new RunningJob(kind, id, firstSeen, config.jobs().deadline(), clock);
        RunningJob previous = current.getAndSet(job);
        if (previous != null) {
            // the jobs' worker pool has one thread; two jobs at once means it was misconfigured
            LOG.errorf("%s %s starts while %s %s is still running", kind.wireName(), LogSafe.text(id), previous.kind().wireName(), previous.id());
        }
        return job;
    }

    /**
     * The running job when it has made no progress for {@code recaption.jobs.stall-timeout} (the liveness
     * watchdog: a hung GPU does not return from a step, so no deadline check between steps can fire).
     */
    public Optional<RunningJob> stalled() {
        Instant limit = clock.instant().minus(config.jobs().stallTimeout());
        return current().filter(job -> job.lastProgress().isBefore(limit));
    }

    void finish(RunningJob job) {
        current.compareAndSet(job, null);
        job.finished();
    }

    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        accepting.set(false);
        RunningJob job = current.get();
        if (job == null) {
            return;
        }
        Duration grace = config.jobs().shutdownGrace();
        LOG.infof("shutting down: waiting up to %s for %s %s", grace, job.kind().wireName(), job.id());
        if (job.awaitFinished(grace)) {
            return;
        }
        LOG.warnf("%s %s did not finish within %s: abandoned, its record stays uncommitted for redelivery",
                job.kind().wireName(), job.id(), grace);
        job.cancel();
        job.awaitFinished(UNWIND);
    }
}
