package io.recaption.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The job the worker is running now; shutdown waits for it and may cancel it. */
public final class RunningJob {

    private final JobKind kind;
    private final String id;
    private final Instant startedAt;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean cancelled;

    RunningJob(JobKind kind, String id, Instant startedAt) {
        this.kind = kind;
        this.id = id;
        this.startedAt = startedAt;
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

    /** Throws {@link JobCancelled} once shutdown has given up waiting for this job. */
    public void checkCancelled() {
        if (cancelled) {
            throw new JobCancelled(kind.wireName() + " " + id + " abandoned: the worker is shutting down");
        }
    }

    void cancel() {
        cancelled = true;
    }

    void finished() {
        done.countDown();
    }

    boolean awaitFinished(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
