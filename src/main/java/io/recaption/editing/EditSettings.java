package io.recaption.editing;

import io.recaption.diffusion.Refusal;
import io.recaption.diffusion.InputRejectedException;

/**
 * Prompt-to-Prompt's knobs. Defaults are the papers': cross-attention replaced for the first 80 %
 * of the steps, self-attention for the first 40 %, self-attention replaced only in layers whose
 * side is at most half the latent's (32² for a 64² latent, as the null-text paper's examples; 16²
 * for the 32² reference model), LocalBlend threshold 0.3 from 20 % of the steps on. One is not the reference's:
 * a word weighed below 1 is weighed so in the text encoder too ({@code emphasisDownInEncoder}), because in the
 * shapes world the reference's cross-attention-only reweighting left the word's meaning in place (emphasis-down
 * edits 0.13 → 0.63 of 40 scenes, seeds 11 and 12; issue 25); factors of 1 and above are the reference's.
 */
public record EditSettings(double crossReplaceSteps, double selfReplaceSteps, double selfReplaceMaxFraction,
        float guidance, double blendThreshold, double blendStart, boolean emphasisDownInEncoder) {

    /** Refuses values that cannot run, naming the setting: a settings record is valid once made. */
    public EditSettings {
        requireFraction("crossReplaceSteps", crossReplaceSteps);
        requireFraction("selfReplaceSteps", selfReplaceSteps);
        requireFraction("selfReplaceMaxFraction", selfReplaceMaxFraction);
        requireFraction("blendThreshold", blendThreshold);
        requireFraction("blendStart", blendStart);
        if (!Float.isFinite(guidance) || guidance < 0 || guidance > 50) {
            throw new InputRejectedException(Refusal.INVALID_OPTIONS, "guidance must be a finite number in [0, 50], got "
                    + guidance);
        }
    }

    public static EditSettings defaults() {
        return new EditSettings(0.8, 0.4, 0.5, 7.5f, 0.3, 0.2, true);
    }

    public EditSettings withCrossReplaceSteps(double value) {
        return new EditSettings(value, selfReplaceSteps, selfReplaceMaxFraction, guidance, blendThreshold, blendStart,
                emphasisDownInEncoder);
    }

    public EditSettings withSelfReplaceSteps(double value) {
        return new EditSettings(crossReplaceSteps, value, selfReplaceMaxFraction, guidance, blendThreshold, blendStart,
                emphasisDownInEncoder);
    }

    public EditSettings withSelfReplaceMaxFraction(double value) {
        return new EditSettings(crossReplaceSteps, selfReplaceSteps, value, guidance, blendThreshold, blendStart,
                emphasisDownInEncoder);
    }

    public EditSettings withGuidance(float value) {
        return new EditSettings(crossReplaceSteps, selfReplaceSteps, selfReplaceMaxFraction, value, blendThreshold,
                blendStart, emphasisDownInEncoder);
    }

    /**
     * Whether a word weighed below 1 is weighed so in the text encoder too (what every later token reads of it:
     * {@code ClipTextModel#forward(NDArray, float[][])}), not only in the UNet's cross-attention as the reference's
     * {@code AttentionReweight} does.
     */
    public EditSettings withEmphasisDownInEncoder(boolean value) {
        return new EditSettings(crossReplaceSteps, selfReplaceSteps, selfReplaceMaxFraction, guidance, blendThreshold,
                blendStart, value);
    }

    private static void requireFraction(String name, double value) {
        if (!Double.isFinite(value) || value < 0 || value > 1) {
            throw new InputRejectedException(Refusal.INVALID_OPTIONS, name + " must be a fraction in [0, 1], got " + value);
        }
    }
}
