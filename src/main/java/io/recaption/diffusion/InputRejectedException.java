package io.recaption.diffusion;

/**
 * A request the engine refuses because of its input (a caption too long, an image that is not one,
 * an emphasis word absent from the caption, …), with a {@link Refusal} for events and a message for people.
 */
public class InputRejectedException extends RuntimeException {

    private final Refusal refusal;

    public InputRejectedException(Refusal refusal, String message) {
        super(message);
        this.refusal = refusal;
    }

    public InputRejectedException(Refusal refusal, String message, Throwable cause) {
        super(message, cause);
        this.refusal = refusal;
    }

    /** By name; a name that is not a {@link Refusal} fails here, where it is written, not downstream. */
    public InputRejectedException(String code, String message) {
        this(Refusal.valueOf(code), message);
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The refusal's name (for messages and older callers). */
    public String code() {
        return refusal.name();
    }
}
