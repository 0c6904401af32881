package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Told the step index before each denoising step and given the latents after it: how attention
 * controllers learn the step explicitly (no counting of layer calls) and how LocalBlend rewrites
 * the latents between steps.
 */
public interface StepHook {

    default void beforeStep(int index, int steps) {}

    /** latents [n, 4, h, w] after step {@code index} → latents to continue from. */
    default NDArray afterStep(int index, int steps, NDArray latents) {
        return latents;
    }

    StepHook NONE = new StepHook() {};
}
