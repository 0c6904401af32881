package io.recaption.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random weights of a plausible scale, keyed by checkpoint name, for benchmark and test
 * snapshots: matrices and kernels uniform in ±1/√fan_in (torch's default initialisation bound),
 * biases likewise small, norm scales 1 and shifts 0, embeddings N(0, 0.02²). Each tensor's values
 * depend only on the seed and its key, so a snapshot is reproducible whatever order blocks load in.
 * Every generated tensor is remembered for writing.
 */
public final class RandomWeights {

    private final long seed;
    private final boolean trainable;
    private final Map<String, NDArray> generated = new LinkedHashMap<>();

    public RandomWeights(long seed) {
        this(seed, false);
    }

    private RandomWeights(long seed, boolean trainable) {
        this.seed = seed;
        this.trainable = trainable;
    }

    /**
     * Weights that require gradients from the moment they exist, so that whatever a block derives from
     * them while it is built (GroupNorm's [C, 1, 1] views) is part of the autograd graph too: marking them
     * afterwards would leave such views detached and their gradients silently missing.
     */
    public static RandomWeights trainable(long seed) {
        return new RandomWeights(seed, true);
    }

    NDArray make(String key, Shape shape, NDManager manager) {
        Random random = new Random(seed * 1_000_003L + key.hashCode());
        int size = Math.toIntExact(shape.size());
        float[] values = new float[size];
        boolean embedding = key.contains("embedding") && !key.contains("time_embedding");
        boolean norm = key.contains("norm") && shape.dimension() == 1;
        if (norm) {
            float fill = key.endsWith("weight") ? 1f : 0f;
            java.util.Arrays.fill(values, fill);
        } else if (embedding) {
            for (int i = 0; i < size; i++) {
                values[i] = (float) (random.nextGaussian() * 0.02);
            }
        } else {
            long fanIn = shape.dimension() > 1 ? shape.size() / shape.get(0) : shape.get(0);
            double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
            for (int i = 0; i < size; i++) {
                values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
        }
        // a libtorch-owned copy: the graph may keep this tensor, and create(float[]) wraps a Java buffer
        NDArray array;
        try (NDArray wrapped = manager.create(values, shape)) {
            array = wrapped.duplicate();
        }
        if (trainable) {
            array.setRequiresGradient(true);
        }
        generated.put(key, array);
        return array;
    }

    /** Every tensor generated so far, by key, in generation order. */
    public Map<String, NDArray> generated() {
        return generated;
    }

    /** Forgets what was generated (between components). */
    public void clear() {
        generated.clear();
    }
}
