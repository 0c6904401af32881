package io.recaption.api;

import io.recaption.protocol.JobStatus;
import io.recaption.protocol.JobStatuses;
import io.recaption.protocol.RequestReader;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.StorageUnavailable;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * How a job stands: its {@code status.json} from S3 ({@code state} queued / running / succeeded / failed,
 * {@code progress} 0..1, timings, error). 404 for an unknown (or unsafe) id, 503 when S3 does not answer.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class StatusResource {

    private final ArtifactStore store;

    public StatusResource(ArtifactStore store) {
        this.store = store;
    }

    @GET
    @Path("inversions/{id}")
    @Operation(summary = "Status of an inversion (its id is the request's requestId)")
    @APIResponse(responseCode = "200", description = "the inversion's status.json")
    @APIResponse(responseCode = "404", description = "no such inversion")
    public Response inversion(@PathParam("id") String id, @QueryParam("owner") String owner) {
        return status(id, safe(id, owner) ? store.inversionPrefix(owner, id) : null);
    }

    @GET
    @Path("edits/{id}")
    @Operation(summary = "Status of an edit")
    @APIResponse(responseCode = "200", description = "the edit's status.json")
    @APIResponse(responseCode = "404", description = "no such edit")
    public Response edit(@PathParam("id") String id, @QueryParam("owner") String owner) {
        return status(id, safe(id, owner) ? store.editPrefix(owner, id) : null);
    }

    /** An id, and an owner (the request's {@code owner}, for an owner's job; none for an ownerless one) as requests allow. */
    private static boolean safe(String id, String owner) {
        return RequestReader.isSafeId(id) && (owner == null || RequestReader.isSafeOwner(owner));
    }

    private Response status(String id, String prefix) {
        if (prefix == null) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        try {
            Optional<JobStatus> status = store.peekStatus(prefix);
            if (status.isPresent()) {
                return Response.ok(JobStatuses.write(status.get()), MediaType.APPLICATION_JSON_TYPE).build();
            }
            // a complete job whose last status write was lost still answers as complete
            if (store.peekJson(prefix + JobEngine.MANIFEST).isPresent()) {
                return Response.ok(Map.of("id", id, "state", JobStatus.State.SUCCEEDED.wireName(), "progress", 1.0)).build();
            }
            return Response.status(Response.Status.NOT_FOUND).build();
        } catch (StorageUnavailable | SdkException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Map.of("error", "S3 unavailable")).build();
        }
    }
}
