package io.recaption.web;

import io.recaption.inversion.InversionMethod;
import io.recaption.protocol.RequestRules;
import io.recaption.protocol.RequestValidator;
import io.recaption.protocol.UnetBudget;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the page adapts to: whether an empty caption is left to the workers' captioning model, and what each
 * inversion method costs at the steps a user may choose (the page shows it beside the choice).
 */
@Path("/api/settings")
@Tag(name = "caption editor")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SettingsResource {

    /**
     * {@code modelCaptions}: the editor accepts a photo without a caption ({@code recaption.web.model-captions});
     * {@code inversion}: the workers' defaults and each method's cost.
     */
    public record Settings(boolean modelCaptions, Inversion inversion) {}

    /**
     * The inversion defaults a request without options gets, the most UNet evaluations one may cost, and every
     * method's cost.
     */
    public record Inversion(String defaultMethod, int defaultSteps, int defaultInnerSteps, long maxUnetEvaluations,
            List<MethodCost> methods) {}

    /**
     * One method's UNet evaluations: {@code steps × (perStep + perInnerStep × innerSteps)}, as the workers' budget
     * check counts them ({@link UnetBudget}: a forward and backward count two; the reconstruction included).
     */
    public record MethodCost(String method, long perStep, long perInnerStep) {}

    private final WebConfig config;
    private final RequestRules rules;

    public SettingsResource(WebConfig config, RequestValidator validator) {
        this.config = config;
        this.rules = validator.rules();
    }

    @GET
    @Operation(summary = "The editor's settings the page adapts to (whether the caption may be left to the model)")
    public Settings get() {
        List<MethodCost> methods = Arrays.stream(InversionMethod.values()).map(m -> {
            // the budget is linear in the steps and, per step, in the inner steps
            long perStep = UnetBudget.inversion(m, 1, 0);
            return new MethodCost(m.label(), perStep, UnetBudget.inversion(m, 1, 1) - perStep);
        }).toList();
        RequestRules.InversionDefaults defaults = rules.inversion();
        return new Settings(config.modelCaptions(), new Inversion(defaults.method(), defaults.steps(),
                defaults.innerSteps(), rules.limits().maxUnetEvaluations(), methods));
    }
}
