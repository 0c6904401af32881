package io.recaption.web;

import java.util.Objects;

/**
 * Every refusal of the API, as JSON: {@code code} is the worker's {@link io.recaption.protocol.ErrorCode} name where
 * one applies (EMPTY_CAPTION, INVALID_ID, IMAGE_TOO_LARGE, ...) or one of {@link WebCode}; {@code message} says
 * what was wrong for a person to read.
 */
public record ApiError(String code, String message) {

    public ApiError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
