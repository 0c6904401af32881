package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The weights training changes, per component ({@code unet}, {@code text_encoder}, {@code vae}) and by
 * checkpoint key: the very arrays the model blocks hold, so that an in-place update is what the next
 * forward sees. They require gradients from creation ({@link io.recaption.model.weights.RandomWeights#trainable}).
 */
public final class Parameters {

    private final Map<String, Map<String, NDArray>> components = new LinkedHashMap<>();

    /** Adds a component's weights (the generator's record of what the component's loader took). */
    public void add(String component, Map<String, NDArray> weights) {
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            if (!e.getValue().hasGradient()) {
                throw new IllegalArgumentException(component + ": weight '" + e.getKey() + "' does not require a gradient");
            }
        }
        if (components.putIfAbsent(component, Collections.unmodifiableMap(new LinkedHashMap<>(weights))) != null) {
            throw new IllegalArgumentException("component '" + component + "' added twice");
        }
    }

    public Map<String, Map<String, NDArray>> components() {
        return Collections.unmodifiableMap(components);
    }

    public Map<String, NDArray> component(String name) {
        Map<String, NDArray> weights = components.get(name);
        if (weights == null) {
            throw new IllegalArgumentException("no trainable component '" + name + "' (have " + components.keySet() + ")");
        }
        return weights;
    }

    /** Scalars over all components. */
    public long count() {
        long n = 0;
        for (Map<String, NDArray> weights : components.values()) {
            for (NDArray w : weights.values()) {
                n += w.getShape().size();
            }
        }
        return n;
    }

    /** Writes one component's weights as a safetensors file (keys as the component's loader takes them). */
    public void save(String component, Path file) throws IOException {
        SafetensorsWriter.write(file, component(component), Map.of("format", "pt"));
    }

    /**
     * Overwrites one component's weights in place with the tensors of {@code file}, strictly: the same key
     * set, each with the same shape. The arrays stay the ones the model holds.
     */
    public void load(String component, Path file, NDManager scratch) {
        Map<String, NDArray> weights = component(component);
        SafetensorsFile source = SafetensorsFile.open(file);
        if (!source.tensors().keySet().equals(weights.keySet())) {
            TreeSet<String> missing = new TreeSet<>(weights.keySet());
            missing.removeAll(source.tensors().keySet());
            TreeSet<String> unexpected = new TreeSet<>(source.tensors().keySet());
            unexpected.removeAll(weights.keySet());
            throw new WeightLoadException(file + " does not hold " + component + "'s weights: missing " + missing
                    + ", unexpected " + unexpected);
        }
        withoutGradients(() -> {
            try (NDManager manager = scratch.newSubManager()) {
                for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                    copyInto(e.getValue(), source.load(e.getKey(), manager), file + " " + e.getKey());
                }
            }
            return null;
        });
    }

    /** {@code target ← value} in place (both the same shape); to be called with autograd off. */
    static void copyInto(NDArray target, NDArray value, String what) {
        if (!target.getShape().equals(value.getShape())) {
            throw new WeightLoadException(what + ": shape " + value.getShape() + ", expected " + target.getShape());
        }
        // in place on the tensor's own storage (0·x + v = v for the finite weights held): NDArray.set(Buffer)
        // does not write through to views made earlier (GroupNorm's [C, 1, 1] weights), which then kept the
        // values from before a resume
        target.muli(0).addi(value);
    }

    /**
     * Runs {@code body} with libtorch's autograd off (in-place changes of leaves that require gradients are
     * refused otherwise), restoring the mode it found. Grad mode is per thread in libtorch.
     */
    public static <T> T withoutGradients(Supplier<T> body) {
        return withGradMode(false, body);
    }

    /**
     * Runs {@code body} with autograd on: a trainable model must be BUILT this way, because libtorch refuses
     * to differentiate through a view made in no-grad mode (GroupNorm's [C, 1, 1] weight views) once its
     * base has been changed in place, which every optimizer step does.
     */
    public static <T> T withGradients(Supplier<T> body) {
        return withGradMode(true, body);
    }

    private static <T> T withGradMode(boolean mode, Supplier<T> body) {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(mode);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(before);
        }
    }
}
