package io.recaption.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.recaption.worker.ErrorCode;
import io.recaption.worker.StorageUnavailable;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every failure under /api becomes {@code {"code","message"}} with a fitting status: refusals as thrown, bodies
 * Jackson cannot read as 400 INVALID_REQUEST (a record constructor's refusal inside one keeps its own code), S3
 * trouble as 503 STORAGE_UNAVAILABLE. Paths outside /api (the worker's status resource) keep JAX-RS's answers.
 */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response refusal(ApiException e) {
        return json(e.status(), e.error());
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException refusal) {
                return refusal(refusal);
            }
        }
        return json(400, new ApiError(WebCode.INVALID_REQUEST.name(), "the body is not JSON of this endpoint's shape: "
                + e.getOriginalMessage()));
    }

    /** Quarkus has its own mapper for this subtype (field-level JSON); the API answers in its one format. */
    @ServerExceptionMapper
    public Response mismatchedBody(MismatchedInputException e) {
        return unreadableBody(e);
    }

    @ServerExceptionMapper
    public Response storage(StorageUnavailable e) {
        return storageDown(e);
    }

    @ServerExceptionMapper
    public Response storage(SdkException e) {
        return storageDown(e);
    }

    @ServerExceptionMapper
    public Response jaxRs(WebApplicationException e, HttpServerRequest request) {
        if (!request.path().startsWith(WebAccess.API)) {
            return e.getResponse();
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException refusal) {
                return refusal(refusal);
            }
            if (cause instanceof JsonProcessingException unreadable) {
                return unreadableBody(unreadable);
            }
        }
        int status = e.getResponse().getStatus();
        WebCode code = e instanceof NotFoundException ? WebCode.NOT_FOUND
                : e instanceof NotAllowedException ? WebCode.METHOD_NOT_ALLOWED
                : e instanceof NotSupportedException ? WebCode.UNSUPPORTED_MEDIA_TYPE
                : status >= 500 ? WebCode.INTERNAL_ERROR : WebCode.INVALID_REQUEST;
        String message = code == WebCode.NOT_FOUND ? "no such endpoint: " + request.method() + " " + request.path()
                : code == WebCode.METHOD_NOT_ALLOWED ? request.method() + " is not allowed on " + request.path()
                : e.getMessage();
        return json(status, new ApiError(code.name(), message));
    }

    /** A bug of the web: logged with its stack, answered without it. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, HttpServerRequest request) {
        LOG.errorf(e, "%s %s failed", request.method(), request.path());
        if (!request.path().startsWith(WebAccess.API)) {
            return Response.serverError().build();
        }
        return json(500, new ApiError(WebCode.INTERNAL_ERROR.name(), "the editor failed: " + e.getClass().getSimpleName()));
    }

    private static Response storageDown(RuntimeException e) {
        LOG.warnf("S3 failed: %s", e.getMessage());
        return json(503, new ApiError(ErrorCode.STORAGE_UNAVAILABLE.name(), "the artifact store does not answer; try again"));
    }

    static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
