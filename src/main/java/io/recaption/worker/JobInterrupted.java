package io.recaption.worker;


/**
 * Thrown from a job's progress callback (or a wait) to stop the job from outside the engine: shutdown
 * ({@link JobCancelled}), a lost lease ({@link LeaseLost}), the deadline ({@link DeadlineExceeded}). Engines must
 * let it propagate (releasing their native memory on the way) and must not turn it into a failure.
 */
public abstract class JobInterrupted extends RuntimeException {

    protected JobInterrupted(String message) {
        super(message, null, false, false);
    }

    /** Another worker took the job's lease over (this one was presumed dead): it must not publish. */
    public static final class LeaseLost extends JobInterrupted {
        public LeaseLost(String message) {
            super(message);
        }
    }

    /** The job ran past {@code recaption.jobs.deadline}. */
    public static final class DeadlineExceeded extends JobInterrupted {
        public DeadlineExceeded(String message) {
            super(message);
        }
    }
}
