package io.recaption.protocol;

/** A record that is not a request this worker understands: it goes to the dead-letter topic with the reason. */
public class InvalidMessage extends Exception {

    private final ErrorCode code;

    public InvalidMessage(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
