package io.recaption.worker.ladder;

import io.quarkus.runtime.ShutdownEvent;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The worker's running jobs — one per request topic, each on its topic's own thread (the model serves them in
 * turn, {@link EngineTurns}) — and its graceful shutdown. On shutdown (before the Kafka connector closes) the
 * worker stops taking records — a record delivered after that is left unacknowledged, hence uncommitted and
 * redelivered to the next worker — and waits up to {@code recaption.jobs.shutdown-grace} for the running
 * jobs. A job still running then is cancelled through its progress callback and abandoned uncommitted.
 */
@ApplicationScoped
public class JobLifecycle {

    private static final Logger LOG = Logger.getLogger(JobLifecycle.class);
    /** How long a cancelled job gets to unwind (release its memory, delete its files). */
    private static final Duration UNWIND = Duration.ofSeconds(10);

    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final Set<RunningJob> running = ConcurrentHashMap.newKeySet();
    private final RecaptionConfig config;
    private final Clock clock;

    public JobLifecycle(RecaptionConfig config, Clock clock) {
        this.clock = clock;
        this.config = config;
    }

    public boolean accepting() {
        return accepting.get();
    }

    /** The running jobs, the longest running first. */
    public List<RunningJob> running() {
        return running.stream().sorted(Comparator.comparing(RunningJob::startedAt)).toList();
    }

    public RunningJob start(JobKind kind, String id, Instant firstSeen, int requeues) {
        RunningJob job = new RunningJob(kind, id, firstSeen, requeues, config.jobs().deadline(), clock);
        running.add(job);
        return job;
    }

    /**
     * The running job when it has made no progress for {@code recaption.jobs.stall-timeout} (the liveness
     * watchdog: a hung GPU does not return from a step, so no deadline check between steps can fire).
     */
    public Optional<RunningJob> stalled() {
        Instant limit = clock.instant().minus(config.jobs().stallTimeout());
        return running().stream().filter(job -> job.lastProgress().isBefore(limit)).findFirst();
    }

    public void finish(RunningJob job) {
        running.remove(job);
        job.finished();
    }

    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        shutDown();
    }

    /**
     * Stops taking records, waits up to the grace for the running jobs, and cancels those that do not finish
     * (their records stay uncommitted and are redelivered).
     */
    public void shutDown() {
        accepting.set(false);
        List<RunningJob> jobs = running();
        if (jobs.isEmpty()) {
            return;
        }
        Duration grace = config.jobs().shutdownGrace();
        Instant until = clock.instant().plus(grace);
        for (RunningJob job : jobs) {
            LOG.infof("shutting down: waiting up to %s for %s %s", grace, job.kind().wireName(), LogSafe.text(job.id()));
        }
        // one grace for all: the jobs run at once, so each gets what is left of it
        List<RunningJob> unfinished = jobs.stream()
                .filter(job -> !job.awaitFinished(positive(Duration.between(clock.instant(), until))))
                .toList();
        for (RunningJob job : unfinished) {
            LOG.warnf("%s %s did not finish within %s: abandoned, its record stays uncommitted for redelivery",
                    job.kind().wireName(), LogSafe.text(job.id()), grace);
            job.cancel();
        }
        for (RunningJob job : unfinished) {
            job.awaitFinished(UNWIND);
        }
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
