package io.recaption.diffusion;

/**
 * Receives progress of a long phase (inversion, optimization, sampling): {@code step} of
 * {@code total} in {@code phase}, with the last loss where there is one (NaN otherwise).
 */
@FunctionalInterface
public interface ProgressListener {

    void onStep(Phase phase, int step, int total, double loss);

    ProgressListener NONE = (phase, step, total, loss) -> { };
}
