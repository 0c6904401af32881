package io.recaption.diffusion;

import io.recaption.model.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.recaption.model.unet.AddedConditions;
import io.recaption.model.unet.UNet2DConditionModel;

/**
 * Classifier-free guidance around one UNet call (Ho &amp; Salimans 2022, ε̃ = ε_∅ + w·(ε_C − ε_∅)). For SDXL the
 * UNet also takes added conditions per branch ({@link AddedConditioning}): the unconditional half gets the empty
 * prompt's pooled embedding (zeros in base), the conditional half the captions', both the same time ids, as
 * diffusers' {@code StableDiffusionXLPipeline} batches them.
 */
public final class GuidedDenoiser {

    /** Which half of classifier-free guidance a single prediction is: it picks SDXL's pooled embedding. */
    public enum Branch { UNCONDITIONAL, CONDITIONAL }

    /**
     * SDXL's added conditioning for a whole run of n images: the pooled embeddings of the unconditional branch and of
     * the captions [n, P] and the time ids [n, 6]. Null-text optimizes the unconditional token embeddings only; these
     * stay as built (issue 22).
     */
    public record AddedConditioning(NDArray uncondPooled, NDArray condPooled, NDArray timeIds) {}

    private final UNet2DConditionModel unet;
    private final AddedConditions guided;
    private final AddedConditions unconditional;
    private final AddedConditions conditional;
    private long evaluations;
    private long backwards;

    public GuidedDenoiser(UNet2DConditionModel unet) {
        this(unet, null);
    }

    /** {@code added} null for SD 1.x/2.x; made once, so that no step allocates them again. */
    public GuidedDenoiser(UNet2DConditionModel unet, AddedConditioning added) {
        this.unet = unet;
        if (added == null) {
            this.guided = null;
            this.unconditional = null;
            this.conditional = null;
        } else {
            // [uncond…, cond…], the order of guidedNoise's batch
            this.guided = new AddedConditions(added.uncondPooled().concat(added.condPooled(), 0),
                    added.timeIds().concat(added.timeIds(), 0));
            this.unconditional = new AddedConditions(added.uncondPooled(), added.timeIds());
            this.conditional = new AddedConditions(added.condPooled(), added.timeIds());
        }
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
        NDList halves = unet.forward(input, timestep, context, guided).split(2, 0);
        NDArray epsUncond = halves.get(0);
        return epsUncond.add(Scalars.mul(halves.get(1).sub(epsUncond), guidance));
    }

    /** One branch's noise only, guidance 1: [n, 4, h, w] with context [n, L, d]. */
    public NDArray noise(NDArray latents, float timestep, NDArray context, Branch branch) {
        evaluations += latents.getShape().get(0);
        return unet.forward(latents, timestep, context, branch == Branch.CONDITIONAL ? conditional : unconditional);
    }
}
