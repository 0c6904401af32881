package io.recaption.web;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the page adapts to: whether an empty caption is left to the workers' captioning model. */
@Path("/api/settings")
@Tag(name = "caption editor")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SettingsResource {

    /** {@code modelCaptions}: the editor accepts a photo without a caption ({@code recaption.web.model-captions}). */
    public record Settings(boolean modelCaptions) {}

    private final WebConfig config;

    public SettingsResource(WebConfig config) {
        this.config = config;
    }

    @GET
    @Operation(summary = "The editor's settings the page adapts to (whether the caption may be left to the model)")
    public Settings get() {
        return new Settings(config.modelCaptions());
    }
}
