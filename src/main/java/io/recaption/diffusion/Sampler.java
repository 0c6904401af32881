package io.recaption.diffusion;

import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Deterministic DDIM sampling (η = 0) with classifier-free guidance from a given z_T, using a
 * separate unconditional embedding per step — the null-text inversion's ∅_t, or a fixed one
 * repeated — as in the reference NullTextPipeline's {@code __call__}. Every step runs in its own
 * NDManager scope, so a long run does not grow memory.
 */
public final class Sampler {

    /**
     * @param start z_T [n, 4, h, w]
     * @param cond caption embeddings [n, L, d], one per image
     * @param nullEmbeddings unconditional embeddings per step [steps, L, d], index 0 used at the first (noisiest) step
     * @param guidance the guidance scale w
     * @param sourceOffsets direct inversion's per-step corrections [steps, 4, h, w], added to image 0 after each
     *     step; {@code null} otherwise
     * @param hook told each step (attention controllers, LocalBlend)
     */
    public record Request(NDArray start, NDArray cond, NDArray nullEmbeddings, float guidance, NDArray sourceOffsets,
            StepHook hook) {}

    private final GuidedDenoiser denoiser;
    private final DdimScheduler scheduler;

    public Sampler(GuidedDenoiser denoiser, DdimScheduler scheduler) {
        this.denoiser = denoiser;
        this.scheduler = scheduler;
    }

    /** Runs every step; the result is attached to {@code request.start()}'s manager. */
    public NDArray run(Request request, ProgressListener progress) {
        int steps = (int) request.nullEmbeddings().getShape().get(0);
        int[] timesteps = scheduler.timesteps(steps);
        NDManager outer = request.start().getManager();
        long images = request.start().getShape().get(0);
        NDArray latents = request.start();
        for (int i = 0; i < steps; i++) {
            NDArray next;
            try (Scope scope = Scope.below(outer)) {
                NDArray x = scope.enter(latents);
                request.hook().beforeStep(i, steps);
                NDArray uncond = scope.enter(request.nullEmbeddings()).get(i).expandDims(0).repeat(0, images);
                NDArray eps = denoiser.guidedNoise(x, timesteps[i], uncond, scope.enter(request.cond()),
                        request.guidance());
                next = scheduler.step(eps, timesteps[i], x, steps);
                if (request.sourceOffsets() != null) {
                    next = addToFirst(next, scope.enter(request.sourceOffsets()).get(i));
                }
                next = scope.exit(request.hook().afterStep(i, steps, next));
            }
            if (latents != request.start()) {
                latents.close();
            }
            latents = next;
            progress.onStep(Phase.SAMPLING, i + 1, steps, Double.NaN);
        }
        return latents;
    }

    /** latents [n, 4, h, w] with offset [4, h, w] added to image 0 only. */
    private static NDArray addToFirst(NDArray latents, NDArray offset) {
        long n = latents.getShape().get(0);
        NDArray first = latents.get("0:1").add(offset.expandDims(0));
        return n == 1 ? first : first.concat(latents.get("1:"), 0);
    }
}
