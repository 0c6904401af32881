package io.recaption.diffusion;

import io.recaption.model.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.recaption.model.unet.UNet2DConditionModel;

/** Classifier-free guidance around one UNet call (Ho &amp; Salimans 2022, ε̃ = ε_∅ + w·(ε_C − ε_∅)). */
public final class GuidedDenoiser {

    private final UNet2DConditionModel unet;
    private long evaluations;
    private long backwards;

    public GuidedDenoiser(UNet2DConditionModel unet) {
        this.unet = unet;
    }

    /** UNet evaluations so far, counted per image (a batch of 2 counts 2): the cost measure of a run. */
    public long evaluations() {
        return evaluations;
    }

    /**
     * Backward passes through the UNet so far, per image: the cost an optimization adds to {@link #evaluations}
     * (null-text's gradient of the loss with respect to ∅). Counted by the caller that runs the backward.
     */
    public long backwards() {
        return backwards;
    }

    /** A backward pass through the last forward of {@code images} images ran. */
    public void countBackward(long images) {
        backwards += images;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    /**
     * latents [n, 4, h, w], uncond and cond [n, L, d] → guided ε [n, 4, h, w]. One UNet call on the
     * batch [uncond…, cond…], the order the Prompt-to-Prompt controllers expect (conditional half last).
     */
    public NDArray guidedNoise(NDArray latents, float timestep, NDArray uncond, NDArray cond, float guidance) {
        NDArray input = latents.concat(latents, 0);
        NDArray context = uncond.concat(cond, 0);
        evaluations += input.getShape().get(0);
        NDList halves = unet.forward(input, timestep, context).split(2, 0);
        NDArray epsUncond = halves.get(0);
        return epsUncond.add(Scalars.mul(halves.get(1).sub(epsUncond), guidance));
    }

    /** Conditional (or unconditional) noise only, guidance 1: [n, 4, h, w] with context [n, L, d]. */
    public NDArray noise(NDArray latents, float timestep, NDArray context) {
        evaluations += latents.getShape().get(0);
        return unet.forward(latents, timestep, context);
    }
}
