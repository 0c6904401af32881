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

/** Inversions: request one, follow it, fetch its images, list its edits. */
@Path("/api/inversions")
@Tag(name = "caption editor")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class InversionResource {

    private final Submissions submissions;
    private final JobViews views;
    private final WebStore store;
    private final WebConfig config;
    private final Caller caller;

    public InversionResource(Submissions submissions, JobViews views, WebStore store, WebConfig config, Caller caller) {
        this.submissions = submissions;
        this.views = views;
        this.store = store;
        this.config = config;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Invert an uploaded photo with its caption, or without one for the workers' captioning model"
            + " to write (published to inversion-requests)")
    @APIResponse(responseCode = "202", description = "published: {inversionId}")
    @APIResponse(responseCode = "400", description = "refused as the worker would refuse it: MISSING_FIELD, INVALID_ID,"
            + " CAPTION_REQUIRED (no caption, and recaption.web.model-captions is off), EMPTY_CAPTION, CAPTION_TOO_LONG, INVALID_OPTIONS, BUCKET_NOT_ALLOWED, INVALID_IMAGE_KEY, INVALID_REQUEST")
    @APIResponse(responseCode = "409", description = "ID_CONFLICT: the given inversionId was used for another request")
    @APIResponse(responseCode = "503", description = "KAFKA_UNAVAILABLE or STORAGE_UNAVAILABLE: nothing was accepted")
    public Response invert(InversionRequest request) {
        if (request == null) {
            throw ApiException.badRequest(WebCode.INVALID_REQUEST, "the body must be a JSON object {image, caption, options?}");
        }
        String id = submissions.inversion(request, caller.owner());
        return Response.accepted(new ApiResponses.InversionAccepted(id)).location(URI.create("/api/inversions/" + id)).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "How an inversion stands (state, progress, phase, error) and, once done, caption, method, steps, PSNR")
    @APIResponse(responseCode = "200", description = "the inversion")
    @APIResponse(responseCode = "404", description = "INVERSION_NOT_FOUND (also for another caller's)")
    public InversionView get(@PathParam("id") String id) {
        return views.inversion(JobViews.id(id), caller.owner());
    }

    @GET
    @Path("{id}/input.png")
    @Produces("image/*")
    @Operation(summary = "The uploaded photo the inversion started from (in its uploaded format)")
    @APIResponse(responseCode = "200", description = "the photo")
    @APIResponse(responseCode = "404", description = "INVERSION_NOT_FOUND, or IMAGE_NOT_READY: not uploaded through this API")
    public Response input(@PathParam("id") String id) {
        String inversionId = JobViews.id(id);
        views.inversion(inversionId, caller.owner()); // 404 for another caller's
        return store.record(store.inversionRecordKey(caller.owner(), inversionId), WebRecords.Inversion.class)
                .flatMap(r -> Images.stream(store, r.image().bucket(), r.image().key()))
                .orElseThrow(() -> notReady(inversionId, "its photo was not uploaded through this editor (or has expired)"));
    }

    @GET
    @Path("{id}/reconstruction.png")
    @Produces("image/png")
    @Operation(summary = "The inversion's reconstruction of the photo")
    @APIResponse(responseCode = "200", description = "the reconstruction")
    @APIResponse(responseCode = "404", description = "INVERSION_NOT_FOUND, or IMAGE_NOT_READY while it runs")
    public Response reconstruction(@PathParam("id") String id) {
        String inversionId = JobViews.id(id);
        views.inversion(inversionId, caller.owner()); // 404 for another caller's
        return store.artifact(store.inversion(caller.owner(), inversionId), JobEngine.RECONSTRUCTION)
                .flatMap(key -> Images.stream(store, store.artifactsBucket(), key))
                .orElseThrow(() -> notReady(inversionId, "has no reconstruction"));
    }

    @GET
    @Path("{id}/edits")
    @Operation(summary = "The inversion's edits requested through this editor, newest first")
    @APIResponse(responseCode = "200", description = "{inversionId, edits: [...]}")
    @APIResponse(responseCode = "404", description = "INVERSION_NOT_FOUND")
    public ApiResponses.History edits(@PathParam("id") String id) {
        String inversionId = JobViews.id(id);
        return new ApiResponses.History(inversionId, views.history(inversionId, config.historyLimit(), caller.owner()));
    }

    /** 404 INVERSION_NOT_FOUND for an unknown id, else IMAGE_NOT_READY with where the job stands. */
    private ApiException notReady(String inversionId, String why) {
        InversionView view = views.inversion(inversionId, caller.owner());
        return ApiException.notFound(WebCode.IMAGE_NOT_READY.name(),
                "inversion '" + inversionId + "' is " + view.status().state() + " and " + why);
    }
}
