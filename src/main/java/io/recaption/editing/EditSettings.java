package io.recaption.editing;

import io.recaption.diffusion.Refusal;
import io.recaption.diffusion.InputRejectedException;

/**
 * Prompt-to-Prompt's knobs. Defaults are the papers': cross-attention replaced for the first 80 %
 * of the steps, self-attention for the first 40 %, self-attention replaced only in layers whose
 * side is at most half the latent's (32² for a 64² latent, as the null-text paper's examples; 16²
 * for the 32² reference model), LocalBlend threshold 0.3 from 20 % of the steps on.
 */
public record EditSettings(double crossReplaceSteps, double selfReplaceSteps, double selfReplaceMaxFraction,
        float guidance, double blendThreshold, double blendStart) {

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
        return new EditSettings(0.8, 0.4, 0.5, 7.5f, 0.3, 0.2);
    }

    public EditSettings withCrossReplaceSteps(double value) {
        return new EditSettings(value, selfReplaceSteps, selfReplaceMaxFraction, guidance, blendThreshold, blendStart);
    }

    public EditSettings withSelfReplaceSteps(double value) {
        return new EditSettings(crossReplaceSteps, value, selfReplaceMaxFraction, guidance, blendThreshold, blendStart);
    }

    public EditSettings withSelfReplaceMaxFraction(double value) {
        return new EditSettings(crossReplaceSteps, selfReplaceSteps, value, guidance, blendThreshold, blendStart);
    }

    public EditSettings withGuidance(float value) {
        return new EditSettings(crossReplaceSteps, selfReplaceSteps, selfReplaceMaxFraction, value, blendThreshold,
                blendStart);
    }


    private static void requireFraction(String name, double value) {
        if (!Double.isFinite(value) || value < 0 || value > 1) {
            throw new InputRejectedException(Refusal.INVALID_OPTIONS, name + " must be a fraction in [0, 1], got " + value);
        }
    }
}
