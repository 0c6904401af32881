package io.recaption.worker.ladder;

import io.recaption.worker.JobCancelled;
import io.recaption.worker.JobMetrics;
import io.recaption.worker.RunningJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whose turn it is on the model. Inversions and edits run on threads of their own (one pool per request topic),
 * so that a flood of one kind — edits each waiting for an inversion that has not landed, or a queue of long
 * inversions — does not hold the other kind's records behind it: fetching, waiting for an inversion, uploading
 * and answering overlap. The model itself (one GPU, or the CPU's cores, whose OpenMP teams slow each other
 * many times over when two run at once) serves one job at a time, in the order the jobs asked: the lock is fair,
 * so an edit waits for at most the inversion running now, not for the inversions queued behind it.
 *
 * <p>While a job waits for its turn it is alive, not hung: each second of waiting counts as progress for the
 * watchdog, and it is a checkpoint, so shutdown, a lost lease and the job's deadline stop the wait too.
 */
@ApplicationScoped
public class EngineTurns {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final ReentrantLock model = new ReentrantLock(true);
    private final JobMetrics metrics;
    private final Clock clock;

    public EngineTurns(JobMetrics metrics, Clock clock) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A turn on the model, held until closed. */
    public interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for the model, checking {@code job} between polls; the caller closes the turn. */
    public Turn await(RunningJob job) {
        Instant asked = clock.instant();
        try {
            while (!model.tryLock(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                job.progressed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobCancelled(job.kind().wireName() + " " + job.id() + " interrupted while waiting for the model");
        }
        metrics.engineWait(job.kind(), Duration.between(asked, clock.instant()));
        return model::unlock;
    }
}
