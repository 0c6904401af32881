package io.recaption.web;

import io.recaption.protocol.ErrorCode;

/** A refusal with its HTTP status and {@link ApiError}; {@link ApiExceptionMappers} writes it. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public ApiException(int status, ErrorCode code, String message) {
        this(status, code.name(), message);
    }

    public ApiException(int status, WebCode code, String message) {
        this(status, code.name(), message);
    }

    public static ApiException badRequest(ErrorCode code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException badRequest(WebCode code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public int status() {
        return status;
    }

    public ApiError error() {
        return new ApiError(code, getMessage());
    }
}
