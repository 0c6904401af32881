package io.recaption.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.recaption.Fixtures;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DDIM inversion, per-step null-text optimization and the reconstruction against the community
 * NullTextPipeline (10 steps, 5 inner steps, guidance 7.5; settings in cases.json), chained as a
 * user runs them: each stage starts from this implementation's previous stage.
 */
@Tag("conformance")
class NullTextInversionConformanceTest {

    private static StableDiffusion model;
    private static NDManager manager;
    private static Map<String, NDArray> cases;
    private static JsonNode settings;

    @BeforeAll
    static void load() {
        model = StableDiffusion.load(Fixtures.tinySd());
        manager = NDManager.newBaseManager();
        cases = Fixtures.cases(manager);
        settings = Fixtures.casesJson().path("tensors").path("nti.settings");
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    @Test
    void inversionOptimizationAndReconstructionMatchTheReference() {
        int steps = settings.path("steps").asInt();
        GuidedDenoiser denoiser = new GuidedDenoiser(model.unet());
        NDArray cond = model.encodeIds(List.of(model.tokenizer().encode(settings.path("prompt").asText())), manager);
        NDArray empty = model.encodeIds(List.of(model.tokenizer().encode("")), manager);

        NDArray pixels = cases.get("vae.pixels");
        NDArray z0 = model.encode(pixels);
        Fixtures.assertMaxAbs("nti.z0", cases.get("nti.z0"), z0, 1e-3);

        List<NDArray> trajectory = new DdimInversion(denoiser, model.scheduler())
                .trajectory(cases.get("nti.z0"), cond, steps, ProgressListener.NONE);
        Fixtures.assertMaxAbs("nti.ddim_trajectory", cases.get("nti.ddim_trajectory"),
                NDArrays.concat(new NDList(trajectory), 0), 1e-3);

        // the rest through the path users run: Inverter with the product's defaults, only the case's step counts
        // changed — so a wrong default (guidance, early stop, learning rate or its decay) fails here
        InversionSettings user = InversionSettings.defaults().withSteps(steps)
                .withInnerSteps(settings.path("inner_steps").asInt());
        assertEquals(settings.path("guidance_scale").asDouble(), user.guidance(), 0.0, "default guidance");
        assertEquals(settings.path("early_stop_epsilon").asDouble(), user.earlyStopEpsilon(), 0.0, "default ε");
        Inverter.Inversion result = new Inverter(model).invert(pixels,
                Caption.of(model.tokenizer(), settings.path("prompt").asText(), false), user, ProgressListener.NONE);
        Fixtures.assertMaxAbs("nti.ddim_trajectory z_T (via Inverter)",
                cases.get("nti.ddim_trajectory").get(steps).expandDims(0), result.zT(), 1e-3);
        NDArray expected = cases.get("nti.null_embeddings");
        for (int i = 0; i < steps; i++) {
            System.out.printf("  null embedding of step %d: relative L2 %.3e%n", i,
                    Fixtures.relativeL2(expected.get(i).reshape(result.nullEmbeddings().get(i).getShape()),
                            result.nullEmbeddings().get(i)));
        }
        Fixtures.assertRelativeL2("nti.null_embeddings", expected.reshape(result.nullEmbeddings().getShape()),
                result.nullEmbeddings(), 1e-2);
        JsonNode innerRun = settings.path("inner_steps_run");
        for (int i = 0; i < steps; i++) {
            assertEquals(innerRun.get(i).asInt(), result.innerStepsRun()[i], "inner steps run at step " + i);
        }
        JsonNode lastLosses = settings.path("last_losses");
        for (int i = 0; i < steps; i++) {
            assertEquals(lastLosses.get(i).asDouble(), result.finalLosses()[i], 1e-2 * lastLosses.get(i).asDouble()
                    + 1e-6, "last loss at step " + i);
        }
        Fixtures.assertMaxAbs("nti.reconstruction_latent", cases.get("nti.reconstruction_latent"),
                result.reconstructionLatent(), 1e-3);
        // the cached ε_C is what computing it again gives, to the bit (one deterministic call on the same inputs); the
        // reference's batched [∅, C] call gives its C half within the conformance tolerance
        NDArray zT = result.zT();
        int t = model.scheduler().timesteps(steps)[0];
        NDArray cached = denoiser.noise(zT, t, cond, GuidedDenoiser.Branch.CONDITIONAL);
        NDArray again = denoiser.noise(zT, t, cond, GuidedDenoiser.Branch.CONDITIONAL);
        assertEquals(true, cached.contentEquals(again), "ε_C recomputed is ε_C cached, bit for bit");
        NDArray batched = model.unet().forward(zT.concat(zT, 0), t, result.nullEmbeddings().get(0).expandDims(0)
                .concat(cond, 0)).get(1).expandDims(0);
        Fixtures.assertMaxAbs("ε_C of the reference's batched advance", batched, cached, 1e-4);

        // what each step costs: ε_C once, each inner step a forward and a backward of the ∅ branch, and z̄ advanced
        // with the optimised ∅ re-evaluating that branch only (ε_C is cached). The reference's advance is a batched
        // [∅, C] call that computes ε_C again: one forward per step more, for the same ε_C (the tensors above match the
        // reference's within the conformance tolerance with the saving in place)
        int inner = 0;
        for (int i = 0; i < steps; i++) {
            inner += result.innerStepsRun()[i];
        }
        long ddim = steps;
        long reconstruction = 2L * steps;
        long forwards = ddim + (steps + inner + steps) + reconstruction;
        long referenceForwards = ddim + (steps + inner + 2L * steps) + reconstruction;
        assertEquals(forwards, result.unetEvaluations(), "UNet forwards");
        assertEquals(inner, result.unetBackwards(), "UNet backwards: one per inner step run");
        System.out.printf("UNet passes of the %d-step inversion (%d inner steps run): %d forward + %d backward; the"
                + " reference's algorithm: %d forward + %d backward (%d forwards saved, one per step)%n", steps, inner,
                result.unetEvaluations(), result.unetBackwards(), referenceForwards, inner, referenceForwards - forwards);
    }
}
