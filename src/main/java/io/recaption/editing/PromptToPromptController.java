package io.recaption.editing;

import ai.djl.ndarray.NDArray;
import io.recaption.diffusion.StepHook;
import io.recaption.model.nn.Precision;
import io.recaption.model.unet.AttentionProcessor;
import io.recaption.model.unet.AttentionSite;

/**
 * Prompt-to-Prompt attention control (Hertz et al. 2022) for a batch of n images [source, edited…]
 * sampled with classifier-free guidance, i.e. a UNet batch [∅ × n, C × n]. Only the conditional half
 * is controlled, driven by the source image's conditional maps, as the reference implementations do:
 * <ul>
 *   <li>cross-attention of the edited images is replaced through the {@link CrossAttentionEdit} while
 *       step &lt; ⌊crossReplaceSteps·(steps + 1)⌋ (the reference's per-step alpha table has steps + 1 rows);</li>
 *   <li>self-attention of the edited images is the source's while step &lt; ⌊selfReplaceSteps·steps⌋, in
 *       layers whose side is at most {@code selfReplaceMaxFraction} of the latent's;</li>
 *   <li>LocalBlend, when given, collects the maps it needs and blends the latents after each step.</li>
 * </ul>
 * The step is set explicitly through {@link StepHook#beforeStep}; no layer calls are counted.
 */
public final class PromptToPromptController implements AttentionProcessor, StepHook {

    private final int images;
    private final CrossAttentionEdit crossEdit;
    private final LocalBlend localBlend;
    private final EditSettings settings;
    private final int latentHeight;
    private final AttentionProcessor passthrough;
    private int step;
    private int crossEnd;
    private int selfEnd;

    /**
     * @param passthrough what a layer runs where the controller neither changes nor records anything (the
     *     model's fused attention)
     */
    public PromptToPromptController(int images, CrossAttentionEdit crossEdit, LocalBlend localBlend,
            EditSettings settings, int latentHeight, AttentionProcessor passthrough) {
        this.passthrough = passthrough;
        this.images = images;
        this.crossEdit = crossEdit;
        this.localBlend = localBlend;
        this.settings = settings;
        this.latentHeight = latentHeight;
    }

    @Override
    public void beforeStep(int index, int steps) {
        step = index;
        crossEnd = (int) (settings.crossReplaceSteps() * (steps + 1));
        selfEnd = (int) (settings.selfReplaceSteps() * steps);
    }

    @Override
    public NDArray afterStep(int index, int steps, NDArray latents) {
        return localBlend == null ? latents : localBlend.apply(index, steps, latents);
    }

    /** query [2n, h, Nq, dh], key/value [2n, h, Nk, dh] → [2n, h, Nq, dh]. */
    @Override
    public NDArray attend(AttentionSite site, NDArray query, NDArray key, NDArray value, float scale) {
        boolean replaceCross = site.cross() && crossEdit != null && step < crossEnd;
        int maxSide = (int) Math.floor(settings.selfReplaceMaxFraction() * latentHeight);
        boolean replaceSelf = !site.cross() && step < selfEnd && site.height() <= maxSide;
        boolean record = localBlend != null && localBlend.wants(site);
        if (!replaceCross && !replaceSelf && !record) {
            return passthrough.attend(site, query, key, value, scale);
        }
        // the maps are read, swapped and reweighted in float32 whatever the UNet computes in (as the reference's
        // attention upcasts its softmax): the edit's mapper, alphas and equalizer are float32, and LocalBlend
        // averages maps across layers and steps
        Precision computed = Precision.of(query);
        query = Precision.full(query);
        key = Precision.full(key);
        value = Precision.full(value);
        NDArray probabilities = AttentionProcessor.probabilities(query, key, scale);
        if (replaceCross || replaceSelf) {
            NDArray source = probabilities.get(images);
            NDArray edited = probabilities.get(images + 1 + ":");
            NDArray replaced = replaceCross ? crossEdit.apply(source, edited)
                    : source.expandDims(0).repeat(0, images - 1);
            probabilities = probabilities.get(":" + (images + 1)).concat(replaced, 0);
        }
        if (record) {
            localBlend.record(site, probabilities.get(images + ":"));
        }
        return computed.cast(probabilities.matMul(value));
    }
}
