package io.recaption.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.Phase;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.Sampler;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.diffusion.StepHook;
import io.recaption.model.weights.SafetensorsFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Global null-text optimization (one ∅ for every timestep, N passes with one Adam) against the
 * PyTorch reference of {@code reference/make_global_null_text.py}, written on the community
 * NullTextPipeline's own pieces: from the reference DDIM pivot ({@code nti.ddim_trajectory}), 10
 * steps, 3 passes, lr 0.01, guidance 7.5 (settings in global-null-text.json). Tolerances and the
 * perturbations they reject are in the reference README.
 */
@Tag("conformance")
class GlobalNullTextConformanceTest {

    // measured (libtorch 2.7.1, float32 CPU): ∅ 4.5e-6, losses 1.4e-6, latent 7.8e-5; the README says why these
    private static final double NULL_TOLERANCE = 1e-3;
    private static final double LOSS_TOLERANCE = 1e-3;
    private static final double LATENT_TOLERANCE = 1e-3;

    private static StableDiffusion model;
    private static NDManager manager;
    private static NDArray trajectory;
    private static NDArray expectedNull;
    private static NDArray expectedLastPassLosses;
    private static NDArray expectedPassMeanLosses;
    private static NDArray expectedReconstruction;
    private static JsonNode settings;

    @BeforeAll
    static void load() throws IOException {
        model = StableDiffusion.load(Fixtures.tinySd());
        manager = NDManager.newBaseManager();
        trajectory = Fixtures.cases(manager).get("nti.ddim_trajectory");
        SafetensorsFile file = SafetensorsFile.open(Fixtures.reference().resolve("global-null-text.safetensors"));
        expectedNull = file.load("global_nti.null_embedding", manager);
        expectedLastPassLosses = file.load("global_nti.last_pass_losses", manager);
        expectedPassMeanLosses = file.load("global_nti.pass_mean_losses", manager);
        expectedReconstruction = file.load("global_nti.reconstruction_latent", manager);
        settings = new ObjectMapper().readTree(Fixtures.reference().resolve("global-null-text.json").toFile())
                .path("settings");
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    @Test
    void oneNullEmbeddingOptimisedOverAllTimestepsMatchesThePyTorchReference() {
        int steps = settings.path("steps").asInt();
        int passes = settings.path("passes").asInt();
        float guidance = (float) settings.path("guidance_scale").asDouble();
        List<NDArray> pivot = new ArrayList<>(steps + 1);
        for (int i = 0; i <= steps; i++) {
            pivot.add(trajectory.get(i).expandDims(0));
        }
        GuidedDenoiser denoiser = new GuidedDenoiser(model.unet());
        NDArray cond = model.encodeIds(List.of(model.tokenizer().encode(settings.path("prompt").asText())), manager);
        NDArray empty = model.encodeIds(List.of(model.tokenizer().encode("")), manager);

        // as Inverter builds them for --inner-steps = passes; the early stop and the decay are not used by global
        InversionSettings inversion = InversionSettings.defaults().withMethod(InversionMethod.GLOBAL_NULL_TEXT)
                .withSteps(steps).withGuidance(guidance).withInnerSteps(passes);
        assertEquals(settings.path("learning_rate").asDouble(), inversion.learningRate(), "the default learning rate");
        NullTextOptimization.Settings optimization = new NullTextOptimization.Settings(inversion.innerSteps(),
                inversion.earlyStopEpsilon(), 2e-5, inversion.learningRate(), 0.01, inversion.guidance());
        List<Double> passMeans = new ArrayList<>();
        ProgressListener progress = (phase, step, total, loss) -> {
            if (phase == Phase.GLOBAL_NULL_TEXT) {
                passMeans.add(loss);
            }
        };
        NullTextOptimization.Result result = new NullTextOptimization(denoiser, model.scheduler())
                .global(pivot, cond, empty, optimization, progress);

        NDArray nulls = result.nullEmbeddings();
        assertEquals(steps, nulls.getShape().get(0), "one ∅ row per step");
        for (int i = 1; i < steps; i++) {
            assertTrue(nulls.get(i).contentEquals(nulls.get(0)), "step " + i + " uses the same ∅ as step 0");
        }
        System.out.printf("  ∅ moved from \"\" by relative L2 %.3e%n", Fixtures.relativeL2(empty, nulls.get("0:1")));
        double worstLoss = worstRelative("last-pass loss at step", result.finalLosses(),
                expectedLastPassLosses.toFloatArray());
        assertEquals(passes, passMeans.size(), "one progress report per pass");
        double worstMean = worstRelative("mean loss of pass", passMeans.stream().mapToDouble(Double::doubleValue)
                .toArray(), expectedPassMeanLosses.toFloatArray());
        NDArray reconstruction = new Sampler(denoiser, model.scheduler()).run(new Sampler.Request(
                pivot.get(steps), cond, nulls, optimization.guidance(), null, StepHook.NONE), ProgressListener.NONE);

        // every error is printed before the first assertion, so a failing run shows all of them
        double nullError = Fixtures.relativeL2(expectedNull, nulls.get("0:1"));
        double latentError = Fixtures.maxAbsDiff(expectedReconstruction, reconstruction);
        System.out.printf("conformance %-32s relative L2 %.3e (tolerance %.0e)%n", "global_nti.null_embedding",
                nullError, NULL_TOLERANCE);
        System.out.printf("conformance %-32s max relative %.3e (tolerance %.0e)%n", "global_nti.last_pass_losses",
                worstLoss, LOSS_TOLERANCE);
        System.out.printf("conformance %-32s max relative %.3e (tolerance %.0e)%n", "global_nti.pass_mean_losses",
                worstMean, LOSS_TOLERANCE);
        System.out.printf("conformance %-32s max abs diff %.3e (tolerance %.0e)%n",
                "global_nti.reconstruction_latent", latentError, LATENT_TOLERANCE);
        assertTrue(nullError <= NULL_TOLERANCE, "∅: relative L2 error " + nullError + " > " + NULL_TOLERANCE);
        assertTrue(worstLoss <= LOSS_TOLERANCE, "last-pass losses: max relative error " + worstLoss);
        assertTrue(worstMean <= LOSS_TOLERANCE, "mean loss per pass: max relative error " + worstMean);
        assertTrue(latentError <= LATENT_TOLERANCE, "reconstruction: max abs diff " + latentError);
        System.out.printf("unet evaluations for %d passes over %d steps and the reconstruction: %d%n", passes, steps,
                denoiser.evaluations());
    }

    /** Prints each |actual − expected| / expected and returns the largest. */
    private static double worstRelative(String label, double[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, label + ": count");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double relative = Math.abs(actual[i] - expected[i]) / expected[i];
            System.out.printf("  %s %d: %.6e (reference %.6e), relative %.2e%n", label, i, actual[i], expected[i],
                    relative);
            worst = Math.max(worst, relative);
        }
        return worst;
    }
}
