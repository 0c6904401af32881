package io.recaption.diffusion;

/**
 * A request the engine refuses because of its input (a caption too long, an image that is not one,
 * an emphasis word absent from the caption, …), with a stable machine-readable code for events and
 * a message for people.
 */
public class InputRejectedException extends RuntimeException {

    private final String code;

    public InputRejectedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public InputRejectedException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
