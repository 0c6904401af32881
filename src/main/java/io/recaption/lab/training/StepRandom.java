package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The random numbers of one training step (noise, timesteps, caption dropout), a function of the run's
 * seed and the step number only: a run resumed at step k draws exactly what the uninterrupted run drew.
 */
final class StepRandom {

    private final SplittableRandom random;

    StepRandom(long seed, long step, int stream) {
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 31 + stream);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    double nextDouble() {
        return random.nextDouble();
    }

    /** Standard normal values as a libtorch-owned array (it enters the graph: a product's backward keeps it). */
    NDArray normal(NDManager manager, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) nextGaussian();
        }
        return owned(manager, values, shape);
    }

    private double nextGaussian() {
        // Box–Muller on two uniforms (SplittableRandom has no gaussian before Java 17's RandomGenerator default)
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A copy libtorch owns: {@code create(float[])} wraps a Java buffer the graph must not keep. */
    static NDArray owned(NDManager manager, float[] values, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }
}
