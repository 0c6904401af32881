package io.recaption.web;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Any other path under /api: a JSON 404 rather than falling through to the static files (which would answer with
 * an empty 404 page). Matched last: every endpoint's own path is more specific.
 */
@Path("/api")
public class ApiFallbackResource {

    private static final String ANY = "{path: .*}";

    @GET
    @Path(ANY)
    @Operation(hidden = true)
    public void get() {
        throw unknown();
    }

    @POST
    @Path(ANY)
    @Operation(hidden = true)
    public void post() {
        throw unknown();
    }

    @PUT
    @Path(ANY)
    @Operation(hidden = true)
    public void put() {
        throw unknown();
    }

    @DELETE
    @Path(ANY)
    @Operation(hidden = true)
    public void delete() {
        throw unknown();
    }

    @PATCH
    @Path(ANY)
    @Operation(hidden = true)
    public void patch() {
        throw unknown();
    }

    private static ApiException unknown() {
        return ApiException.notFound(WebCode.NOT_FOUND.name(), "no such endpoint under /api (see /q/openapi)");
    }
}
