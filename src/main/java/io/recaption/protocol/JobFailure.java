package io.recaption.protocol;

/** A job that cannot succeed, with a code for the failed event and status (the request is not retried). */
public class JobFailure extends Exception {

    private final ErrorCode code;

    public JobFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public JobFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What an event says when the worker itself failed: the details are in its log, never in the event. */
    public static JobFailure workerError() {
        return new JobFailure(ErrorCode.WORKER_ERROR, "the worker failed; its log has the details");
    }

    /** S3 stayed away until the job's deadline (before it, an outage is waited out). */
    public static JobFailure storageUnavailable() {
        return new JobFailure(ErrorCode.STORAGE_UNAVAILABLE, "S3 did not answer until the job's deadline");
    }

    /** The job's deadline passed between two of its steps. */
    public static JobFailure timedOut(java.time.Duration deadline) {
        return new JobFailure(ErrorCode.JOB_TIMEOUT, "the job did not finish within " + deadline);
    }

    public ErrorCode code() {
        return code;
    }
}
