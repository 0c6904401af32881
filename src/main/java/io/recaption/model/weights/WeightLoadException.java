package io.recaption.model.weights;

/** A snapshot that cannot be loaded: a missing or malformed file, or weights that do not fit the config. */
public class WeightLoadException extends RuntimeException {
    public WeightLoadException(String message) {
        super(message);
    }

    public WeightLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
