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

    public ErrorCode code() {
        return code;
    }
}
