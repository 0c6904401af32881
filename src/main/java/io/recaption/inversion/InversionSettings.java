package io.recaption.inversion;

import io.recaption.diffusion.InputRejectedException;
import io.recaption.diffusion.Refusal;

/**
 * Settings of one inversion. {@link #defaults()} are the null-text inversion paper's reference
 * settings (Mokady et al.'s notebook): 50 DDIM steps, guidance 7.5, 10 inner Adam steps per timestep
 * at lr 0.01·(1 − i/(2·steps)) (the reference's 1/100 at 50 steps), early stop at 1e-5 + i·2e-5.
 */
public record InversionSettings(InversionMethod method, int steps, float guidance, int innerSteps,
        double earlyStopEpsilon, double learningRate, boolean truncateCaption) {

    /** Upper bounds that keep a request from tying up a worker for hours. */
    public static final int MAX_STEPS = 1000;
    public static final int MAX_INNER_STEPS = 100;
    public static final float MAX_GUIDANCE = 50f;

    /** Refuses values that cannot run, naming the setting: a settings record is valid once made. */
    public InversionSettings {
        if (method == null) {
            throw invalid("method is missing");
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw invalid("steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        if (!Float.isFinite(guidance) || guidance < 0 || guidance > MAX_GUIDANCE) {
            throw invalid("guidance must be a finite number in [0, " + MAX_GUIDANCE + "], got " + guidance);
        }
        if (innerSteps < 0 || innerSteps > MAX_INNER_STEPS) {
            throw invalid("inner steps must be between 0 and " + MAX_INNER_STEPS + ", got " + innerSteps);
        }
        if (!Double.isFinite(earlyStopEpsilon) || earlyStopEpsilon < 0) {
            throw invalid("the early-stop epsilon must be a finite number ≥ 0, got " + earlyStopEpsilon);
        }
        if (!Double.isFinite(learningRate) || learningRate <= 0 || learningRate > 1) {
            throw invalid("the learning rate must be in (0, 1], got " + learningRate);
        }
    }

    public static InversionSettings defaults() {
        return new InversionSettings(InversionMethod.NULL_TEXT, 50, 7.5f, 10, 1e-5, 1e-2, false);
    }

    public InversionSettings withMethod(InversionMethod value) {
        return new InversionSettings(value, steps, guidance, innerSteps, earlyStopEpsilon, learningRate,
                truncateCaption);
    }

    public InversionSettings withSteps(int value) {
        return new InversionSettings(method, value, guidance, innerSteps, earlyStopEpsilon, learningRate,
                truncateCaption);
    }

    public InversionSettings withGuidance(float value) {
        return new InversionSettings(method, steps, value, innerSteps, earlyStopEpsilon, learningRate,
                truncateCaption);
    }

    public InversionSettings withInnerSteps(int value) {
        return new InversionSettings(method, steps, guidance, value, earlyStopEpsilon, learningRate,
                truncateCaption);
    }

    public InversionSettings withEarlyStopEpsilon(double value) {
        return new InversionSettings(method, steps, guidance, innerSteps, value, learningRate, truncateCaption);
    }

    public InversionSettings withTruncateCaption(boolean value) {
        return new InversionSettings(method, steps, guidance, innerSteps, earlyStopEpsilon, learningRate, value);
    }


    private static InputRejectedException invalid(String message) {
        return new InputRejectedException(Refusal.INVALID_OPTIONS, message);
    }
}
