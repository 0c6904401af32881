package io.recaption.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The strict view of a checkpoint: every tensor is taken exactly once, by full key, with the shape
 * the config implies. A missing or wrongly shaped tensor does not stop the walk (a zero placeholder
 * is handed back) so that {@link #finish()} can name every problem at once, together with every
 * tensor nobody took.
 *
 * <p>A block gets a child map for its key prefix ({@link #child(String)}) and never spells its
 * parent's prefix, so each key prefix is built in exactly one place.
 */
public final class WeightMap {

    private final Root root;
    private final String prefix;

    private static final class Root {
        final String description;
        final NDManager manager;
        final RandomWeights generator;
        final Precision precision;
        final Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        final Set<String> taken = new LinkedHashSet<>();
        final List<String> missing = new ArrayList<>();
        final List<String> wrongShape = new ArrayList<>();
        long parameters;

        Root(String description, NDManager manager, RandomWeights generator, Precision precision) {
            this.description = description;
            this.manager = manager;
            this.generator = generator;
            this.precision = precision;
        }
    }

    private WeightMap(Root root, String prefix) {
        this.root = root;
        this.prefix = prefix;
    }

    /** A map over one or more safetensors files (sharded checkpoints); a key in two files is an error. */
    public static WeightMap open(String description, List<Path> files, NDManager manager) {
        return open(description, files, manager, Precision.FLOAT32);
    }

    /** As {@link #open(String, List, NDManager)}, every floating-point tensor handed out in {@code precision}. */
    public static WeightMap open(String description, List<Path> files, NDManager manager, Precision precision) {
        Root root = new Root(description, manager, null, precision);
        for (Path file : files) {
            SafetensorsFile st = SafetensorsFile.open(file);
            for (String name : st.tensors().keySet()) {
                SafetensorsFile before = root.fileOf.put(name, st);
                if (before != null) {
                    throw new WeightLoadException(description + ": tensor '" + name + "' is in both " + before.path()
                            + " and " + file);
                }
            }
        }
        return new WeightMap(root, "");
    }

    /**
     * A map that has no file behind it but makes every tensor it is asked for, with the asked shape,
     * from {@code generator}: loading a model through it writes out the model's exact key set, which
     * is how random-weight snapshots for benchmarks are made by the same code that loads real ones.
     */
    public static WeightMap generating(String description, NDManager manager, RandomWeights generator) {
        return generating(description, manager, generator, Precision.FLOAT32);
    }

    /** As {@link #generating(String, NDManager, RandomWeights)}, the tensors made in {@code precision}. */
    public static WeightMap generating(String description, NDManager manager, RandomWeights generator,
            Precision precision) {
        return new WeightMap(new Root(description, manager, generator, precision), "");
    }

    /** The map for a child block: keys below {@code prefix + segment + "."}. */
    public WeightMap child(String segment) {
        return new WeightMap(root, prefix + segment + ".");
    }

    /** The map for the {@code index}-th child of a list-valued field ({@code down_blocks.0}). */
    public WeightMap child(String segment, int index) {
        return child(segment + "." + index);
    }

    public String prefix() {
        return prefix;
    }

    public NDManager manager() {
        return root.manager;
    }

    /** The type every floating-point tensor of this map is handed out in, and its model computes in. */
    public Precision precision() {
        return root.precision;
    }

    /** Whether the checkpoint has this key (below this map's prefix); takes nothing. */
    public boolean has(String name) {
        // a generated checkpoint has the current key layout only: optional and legacy keys are absent
        return root.fileOf.containsKey(prefix + name);
    }

    /** Takes the tensor {@code name} below this prefix, which must have exactly {@code shape}. */
    public NDArray take(String name, long... shape) {
        String key = prefix + name;
        Shape expected = new Shape(shape);
        if (root.generator != null) {
            if (!root.taken.add(key)) {
                throw new IllegalStateException("weight '" + key + "' taken twice: a block's key prefix is built twice");
            }
            root.parameters += expected.size();
            NDArray made = root.generator.make(key, expected, root.manager);
            NDArray converted = made.getDataType().isFloating() ? root.precision.cast(made) : made;
            if (converted != made) {
                made.close();
            }
            return converted;
        }
        SafetensorsFile file = root.fileOf.get(key);
        if (file == null) {
            root.missing.add(key + " " + expected);
            return root.manager.zeros(expected);
        }
        if (!root.taken.add(key)) {
            throw new IllegalStateException("weight '" + key + "' taken twice: a block's key prefix is built twice");
        }
        Shape actual = file.tensors().get(key).shape();
        if (!actual.equals(expected)) {
            root.wrongShape.add(key + ": expected " + expected + ", found " + actual);
            return root.manager.zeros(expected);
        }
        root.parameters += expected.size();
        return file.load(key, root.manager, root.precision);
    }

    /** Elements in all tensors taken so far, across the whole map. */
    public long parametersTaken() {
        return root.parameters;
    }

    /**
     * Takes the first of several names that the checkpoint has, for tensors whose key changed
     * between diffusers versions (the VAE's {@code query} became {@code to_q}).
     */
    public NDArray takeAny(List<String> names, long... shape) {
        for (String name : names) {
            if (has(name)) {
                return take(name, shape);
            }
        }
        return take(names.get(0), shape);
    }

    /** Takes a tensor when present (an optional bias); {@code null} otherwise. */
    public NDArray takeOptional(String name, long... shape) {
        return has(name) ? take(name, shape) : null;
    }

    /** Marks a key as known but unused (a buffer such as CLIP's {@code position_ids}). */
    public void ignore(String name) {
        if (has(name)) {
            root.taken.add(prefix + name);
        }
    }

    /** Fails, naming every missing, wrongly shaped and unexpected tensor, unless all were taken. */
    public void finish() {
        Set<String> unexpected = new TreeSet<>(root.fileOf.keySet());
        unexpected.removeAll(root.taken);
        if (root.missing.isEmpty() && root.wrongShape.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(root.description).append(" does not match its config:");
        appendList(message, "missing", root.missing);
        appendList(message, "wrong shape", root.wrongShape);
        appendList(message, "unexpected", new ArrayList<>(unexpected));
        throw new WeightLoadException(message.toString());
    }

    private static void appendList(StringBuilder message, String label, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        int shown = Math.min(keys.size(), 50);
        message.append("\n  ").append(label).append(" (").append(keys.size()).append("):");
        for (String key : keys.subList(0, shown)) {
            message.append("\n    ").append(key);
        }
        if (shown < keys.size()) {
            message.append("\n    … and ").append(keys.size() - shown).append(" more");
        }
    }

    @Override
    public String toString() {
        return root.description + (prefix.isEmpty() ? "" : " [" + prefix + "]");
    }
}
