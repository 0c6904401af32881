package io.recaption.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.RequestReader;
import io.recaption.worker.store.StorageUnavailable;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** Jackson's words for a field named twice (StreamReadFeature.STRICT_DUPLICATE_DETECTION, {@link StrictJson}). */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

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
        return json(400, new ApiError(WebCode.INVALID_REQUEST.name(), describe(e)));
    }

    /**
     * What is wrong with a body, in the API's words: where (the field's path) and what kind of fault, never
     * Jackson's own text, which names Java types and classes.
     */
    static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher twice = DUPLICATE.matcher(original);
        if (twice.find()) {
            return "the body names the field '" + RequestReader.clip(twice.group(1)) + "' twice";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            return "the body is not of this endpoint's shape at '" + RequestReader.clip(path.toString())
                    + "': a value of the wrong type";
        }
        JsonLocation where = e.getLocation();
        return where == null || where.getLineNr() < 0 ? "the body is not JSON of this endpoint's shape"
                : "the body is not JSON (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
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
        String path = RequestReader.clip(request.path());
        String message = code == WebCode.NOT_FOUND ? "no such endpoint: " + request.method() + " " + path
                : code == WebCode.METHOD_NOT_ALLOWED ? request.method() + " is not allowed on " + path
                : code == WebCode.UNSUPPORTED_MEDIA_TYPE ? "this endpoint does not take that Content-Type"
                : "the request was refused (HTTP " + status + ")";
        return json(status, new ApiError(code.name(), message));
    }

    /** A bug of the web: logged with its stack, answered without it. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, HttpServerRequest request) {
        LOG.errorf(e, "%s %s failed", request.method(), request.path());
        if (!request.path().startsWith(WebAccess.API)) {
            return Response.serverError().build();
        }
        return json(500, new ApiError(WebCode.INTERNAL_ERROR.name(), "the editor failed; its log has the details"));
    }

    private static Response storageDown(RuntimeException e) {
        LOG.warnf("S3 failed: %s", e.getMessage());
        return json(503, new ApiError(ErrorCode.STORAGE_UNAVAILABLE.name(), "the artifact store does not answer; try again"));
    }

    static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
