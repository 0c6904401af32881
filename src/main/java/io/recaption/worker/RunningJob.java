package io.recaption.worker;

import io.recaption.protocol.JobKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The job the worker is running now: when it started, its deadline, when it last made progress (the
 * watchdog), and the flags that stop it (shutdown, a lost lease). It is also the job of the thread running it
 * ({@link #onThisThread()}), so that S3 retries deep in the call stack know the deadline they retry to.
 */
public final class RunningJob {

    private static final ThreadLocal<RunningJob> THREAD = new ThreadLocal<>();

    private final JobKind kind;
    private final String id;
    private final Instant startedAt;
    private final Instant deadline;
    private final Instant firstSeen;
    private final int requeues;
    private final Clock clock;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Instant lastProgress;
    private volatile boolean cancelled;
    private volatile String leaseLost;

    public RunningJob(JobKind kind, String id, Instant firstSeen, int requeues, Duration deadline, Clock clock) {
        this.requeues = requeues;
        this.kind = kind;
        this.id = id;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.deadline = startedAt.plus(deadline);
        this.firstSeen = firstSeen;
        this.lastProgress = startedAt;
    }

    public JobKind kind() {
        return kind;
    }

    public String id() {
        return id;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant deadline() {
        return deadline;
    }

    /** When the request was first delivered (a requeued record keeps its first delivery's time). */
    public Instant firstSeen() {
        return firstSeen;
    }

    /** How many times its record was put back on its topic before this delivery. */
    public int requeues() {
        return requeues;
    }

    /** The last time the job reported progress (or started). */
    public Instant lastProgress() {
        return lastProgress;
    }

    /** The job of the calling thread, or null outside a job. */
    public static RunningJob onThisThread() {
        return THREAD.get();
    }

    public void attachToThread() {
        THREAD.set(this);
    }

    public void detachFromThread() {
        THREAD.remove();
    }

    /** Progress was made: the watchdog's clock restarts; then {@link #checkpoint()}. */
    public void progressed() {
        lastProgress = clock.instant();
        checkpoint();
    }

    /**
     * Throws when the job must stop: {@link JobCancelled} once shutdown gave up waiting,
     * {@link JobInterrupted.LeaseLost} when another worker took the lease over, {@link JobInterrupted.DeadlineExceeded}
     * past the deadline. Called between engine steps and in waits.
     */
    public void checkpoint() {
        checkCancelled();
        if (leaseLost != null) {
            throw new JobInterrupted.LeaseLost(leaseLost);
        }
        if (clock.instant().isAfter(deadline)) {
            throw new JobInterrupted.DeadlineExceeded(kind.wireName() + " " + id + " ran past its deadline " + deadline);
        }
    }

    /** Throws {@link JobCancelled} once shutdown has given up waiting for this job. */
    public void checkCancelled() {
        if (cancelled) {
            throw new JobCancelled(kind.wireName() + " " + id + " abandoned: the worker is shutting down");
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    public void cancel() {
        cancelled = true;
    }

    public void leaseLost(String why) {
        leaseLost = why;
    }

    /** The lost lease was dealt with (this attempt stopped); later checkpoints do not throw for it again. */
    public void leaseRegained() {
        leaseLost = null;
    }

    public void finished() {
        done.countDown();
    }

    public boolean awaitFinished(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
