package io.recaption.inversion;

import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.Conditioning;
import io.recaption.diffusion.DiffusionModel;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.Phase;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.Sampler;
import io.recaption.diffusion.StepHook;
import io.recaption.diffusion.XlTimeIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole inversion of one photo: VAE encoding (latent mean × scaling factor, as the reference's
 * {@code image2latent}), DDIM inversion at guidance 1, then the chosen method for the unconditional
 * embeddings, then a reconstruction by sampling from z_T with them.
 */
public final class Inverter {

    /**
     * An inversion: z_0 and z_T [1, 4, h, w]; ∅ per step [steps, L, d] (index 0 at the noisiest step);
     * direct inversion's offsets [steps, 4, h, w] or null; what the optimization did; the
     * reconstruction's latent [1, 4, h, w]; seconds per phase; UNet forward passes and, apart, backward passes
     * (per image).
     */
    public record Inversion(NDArray z0, NDArray zT, NDArray nullEmbeddings, NDArray directOffsets,
            int[] innerStepsRun, double[] finalLosses, NDArray reconstructionLatent, Map<String, Double> seconds,
            long unetEvaluations, long unetBackwards) {}

    private final DiffusionModel model;

    public Inverter(DiffusionModel model) {
        this.model = model;
    }

    /** pixels [1, 3, H, W] in [−1, 1]; everything returned is attached to {@code pixels}' manager. */
    public Inversion invert(NDArray pixels, Caption caption, InversionSettings settings, ProgressListener progress) {
        return invert(pixels, caption, settings, null, progress);
    }

    /**
     * As {@link #invert(NDArray, Caption, InversionSettings, ProgressListener)}, with SDXL's time ids for the photo
     * as it was prepared (ignored by SD 1.x/2.x; null: an uncropped render at the model's size).
     */
    public Inversion invert(NDArray pixels, Caption caption, InversionSettings settings, XlTimeIds timeIds,
            ProgressListener progress) {
        NDManager outer = pixels.getManager();
        Map<String, Double> seconds = new LinkedHashMap<>();
        int steps = settings.steps();

        long start = System.nanoTime();
        NDArray z0 = model.encode(pixels);
        Conditioning captionConditioning = model.condition(List.of(caption.ids()), outer);
        Conditioning empty = model.unconditional(outer);
        NDArray cond = captionConditioning.context();
        NDArray emptyNull = empty.context();
        seconds.put("encode", since(start));
        // SDXL: ∅'s pooled embedding is the empty prompt's (null-text optimizes the token embeddings only)
        GuidedDenoiser denoiser = model.denoiser(empty, captionConditioning, timeIds, outer);
        GuidedDenoiser reconstructionDenoiser = denoiser;

        start = System.nanoTime();
        List<NDArray> trajectory = new DdimInversion(denoiser, model.scheduler()).trajectory(z0, cond, steps, progress);
        NDArray zT = trajectory.get(steps);
        seconds.put("ddimInversion", since(start));

        start = System.nanoTime();
        NDArray nullEmbeddings;
        NDArray offsets = null;
        int[] innerRun = new int[steps];
        double[] losses = new double[steps];
        NullTextOptimization optimization = new NullTextOptimization(denoiser, model.scheduler());
        NullTextOptimization.Settings optimizationSettings = NullTextOptimization.Settings.of(settings);
        switch (settings.method()) {
            case NULL_TEXT -> {
                NullTextOptimization.Result result = optimization.perStep(trajectory, cond, emptyNull,
                        optimizationSettings, progress);
                nullEmbeddings = result.nullEmbeddings();
                innerRun = result.innerStepsRun();
                losses = result.finalLosses();
            }
            case GLOBAL_NULL_TEXT -> {
                NullTextOptimization.Result result = optimization.global(trajectory, cond, emptyNull,
                        optimizationSettings, progress);
                nullEmbeddings = result.nullEmbeddings();
                innerRun = result.innerStepsRun();
                losses = result.finalLosses();
            }
            case NEGATIVE_PROMPT -> {
                // ∅ = the caption itself, its pooled embedding too
                nullEmbeddings = repeat(cond, steps);
                reconstructionDenoiser = model.denoiser(captionConditioning, captionConditioning, timeIds, outer);
            }
            case DIRECT -> {
                nullEmbeddings = repeat(emptyNull, steps);
                offsets = directOffsets(denoiser, trajectory, emptyNull, cond, settings.guidance(), progress);
            }
            default -> throw new IllegalStateException("unhandled method " + settings.method());
        }
        seconds.put("optimization", since(start));

        start = System.nanoTime();
        NDArray reconstruction = new Sampler(reconstructionDenoiser, model.scheduler()).run(
                new Sampler.Request(zT, cond, nullEmbeddings, settings.guidance(), offsets, StepHook.NONE), progress);
        seconds.put("reconstruction", since(start));

        for (int i = 1; i < steps; i++) {
            trajectory.get(i).close();
        }
        cond.close();
        emptyNull.close();
        long evaluations = denoiser.evaluations()
                + (reconstructionDenoiser == denoiser ? 0 : reconstructionDenoiser.evaluations());
        return new Inversion(z0, zT, nullEmbeddings, offsets, innerRun, losses, reconstruction, seconds,
                evaluations, denoiser.backwards());
    }

    /**
     * Direct inversion's corrections: for each step i, z*_{t−1} − DDIM step from z*_t with the guided
     * ε (∅ = "", guidance w). Adding them on the source branch makes it retrace the pivot exactly.
     */
    private NDArray directOffsets(GuidedDenoiser denoiser, List<NDArray> trajectory, NDArray emptyNull, NDArray cond,
            float guidance, ProgressListener progress) {
        int steps = trajectory.size() - 1;
        int[] timesteps = model.scheduler().timesteps(steps);
        NDManager outer = cond.getManager();
        List<NDArray> offsets = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            try (Scope scope = Scope.below(outer)) {
                NDArray current = scope.enter(trajectory.get(steps - i));
                NDArray eps = denoiser.guidedNoise(current, timesteps[i], scope.enter(emptyNull), scope.enter(cond),
                        guidance);
                NDArray predicted = model.scheduler().step(eps, timesteps[i], current, steps);
                offsets.add(scope.exit(scope.enter(trajectory.get(steps - 1 - i)).sub(predicted)));
            }
            progress.onStep(Phase.DIRECT_OFFSETS, i + 1, steps, Double.NaN);
        }
        NDArray stacked = NDArrays.concat(new NDList(offsets), 0);
        offsets.forEach(NDArray::close);
        return stacked;
    }

    /** [1, L, d] → [steps, L, d]. */
    private static NDArray repeat(NDArray embedding, int steps) {
        return embedding.repeat(0, steps);
    }

    private static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
