package io.recaption.lab.evaluation;

/**
 * What one quality evaluation runs: {@code images} fresh scenes of the shapes world drawn with
 * {@code seed}, inverted with {@code steps} DDIM steps and {@code innerSteps} null-text Adam steps per
 * timestep, sampled and edited at classifier-free guidance {@code guidance}; the contact sheet shows
 * the first {@code sheetRows} images.
 *
 * <p>{@link #defaults()}: 50 images, 20 steps, 5 inner steps (the paper's 50 and 10 halved or more, so
 * that 50 images of the 64² shapes model take minutes on a CPU, not hours).
 */
public record EvaluationSettings(long seed, int images, int steps, int innerSteps, float guidance, int sheetRows) {

    /** Refuses values that cannot run, naming the setting: a settings record is valid once made. */
    public EvaluationSettings {
        if (images < 1) {
            throw new IllegalArgumentException("images must be at least 1, got " + images);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (innerSteps < 0) {
            throw new IllegalArgumentException("inner steps must be at least 0, got " + innerSteps);
        }
        if (!Float.isFinite(guidance) || guidance < 0) {
            throw new IllegalArgumentException("guidance must be a finite number ≥ 0, got " + guidance);
        }
        if (sheetRows < 1) {
            throw new IllegalArgumentException("the contact sheet needs at least one row, got " + sheetRows);
        }
    }

    public static EvaluationSettings defaults() {
        return new EvaluationSettings(0, 50, 20, 5, 7.5f, 4);
    }

    public EvaluationSettings withSeed(long value) {
        return new EvaluationSettings(value, images, steps, innerSteps, guidance, sheetRows);
    }

    public EvaluationSettings withImages(int value) {
        return new EvaluationSettings(seed, value, steps, innerSteps, guidance, sheetRows);
    }

    public EvaluationSettings withSteps(int value) {
        return new EvaluationSettings(seed, images, value, innerSteps, guidance, sheetRows);
    }

    public EvaluationSettings withInnerSteps(int value) {
        return new EvaluationSettings(seed, images, steps, value, guidance, sheetRows);
    }

}
