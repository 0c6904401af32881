package io.recaption.web;

import io.recaption.worker.engine.JobEngine;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Edits: render an edited caption from a finished inversion, follow it, fetch its image. */
@Path("/api/edits")
@Tag(name = "caption editor")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EditResource {

    private final Submissions submissions;
    private final JobViews views;
    private final WebStore store;
    private final Caller caller;

    public EditResource(Submissions submissions, JobViews views, WebStore store, Caller caller) {
        this.submissions = submissions;
        this.views = views;
        this.store = store;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Render an edited caption of a finished inversion (published to edit-requests)")
    @APIResponse(responseCode = "202", description = "published: {editId}")
    @APIResponse(responseCode = "400", description = "refused as the worker would refuse it: MISSING_FIELD, INVALID_ID,"
            + " EMPTY_CAPTION, CAPTION_TOO_LONG, INVALID_OPTIONS, EMPHASIS_WORD_NOT_IN_CAPTION, INVALID_REQUEST")
    @APIResponse(responseCode = "404", description = "INVERSION_NOT_FOUND")
    @APIResponse(responseCode = "409", description = "INVERSION_NOT_READY: the inversion runs or failed")
    @APIResponse(responseCode = "503", description = "KAFKA_UNAVAILABLE or STORAGE_UNAVAILABLE: nothing was accepted")
    public Response edit(EditRequest request) {
        if (request == null) {
            throw ApiException.badRequest(WebCode.INVALID_REQUEST, "the body must be a JSON object {inversionId, caption, ...}");
        }
        String id = submissions.edit(request, caller.owner());
        return Response.accepted(new ApiResponses.EditAccepted(id)).location(URI.create("/api/edits/" + id)).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "How an edit stands, with its settings")
    @APIResponse(responseCode = "200", description = "the edit")
    @APIResponse(responseCode = "404", description = "EDIT_NOT_FOUND (also for another caller's)")
    public EditView get(@PathParam("id") String id) {
        return views.edit(JobViews.id(id), caller.owner());
    }

    @GET
    @Path("{id}/image.png")
    @Produces("image/png")
    @Operation(summary = "The edited image")
    @APIResponse(responseCode = "200", description = "the image")
    @APIResponse(responseCode = "404", description = "EDIT_NOT_FOUND, or IMAGE_NOT_READY while it runs")
    public Response image(@PathParam("id") String id) {
        String editId = JobViews.id(id);
        String state = views.edit(editId, caller.owner()).status().state(); // 404 for another caller's
        return store.artifact(store.edit(caller.owner(), editId), JobEngine.EDITED_IMAGE)
                .flatMap(key -> Images.stream(store, store.artifactsBucket(), key))
                .orElseThrow(() -> ApiException.notFound(WebCode.IMAGE_NOT_READY.name(),
                        "edit '" + editId + "' is " + state + " and has no image"));
    }
}
