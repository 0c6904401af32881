package io.recaption.model.weights;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.nn.HostMemory;
import io.recaption.model.nn.TorchContext;
import io.recaption.model.nn.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A diffusers snapshot folder as published on model hubs: {@code model_index.json} and one
 * sub-folder per component ({@code tokenizer}, {@code text_encoder}, {@code unet}, {@code vae},
 * {@code scheduler}), each with its config and {@code *.safetensors} weights (full precision, or
 * the {@code .fp16.} variant, single-file or sharded with an {@code .index.json}).
 *
 * <p>A folder that holds a single component (its {@code config.json} at the top) is accepted
 * too: {@link #componentDir(String)} then resolves every component to the folder itself.
 */
public final class Snapshot {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final boolean singleComponent;
    private final RandomWeights generator;

    private Snapshot(Path root, boolean singleComponent, RandomWeights generator) {
        this.root = root;
        this.singleComponent = singleComponent;
        this.generator = generator;
    }

    /**
     * A snapshot whose configs are read from {@code dir} but whose weights are made by
     * {@code generator} as the components ask for them (see {@link WeightMap#generating}).
     */
    public static Snapshot generating(Path dir, RandomWeights generator) {
        Snapshot files = open(dir);
        return new Snapshot(files.root, files.singleComponent, generator);
    }

    /** The strict weight map of a component: its safetensors files, or generated weights. */
    public WeightMap weights(String description, String component, String baseName, NDManager manager) {
        return weights(description, component, baseName, manager, Precision.FLOAT32);
    }

    /** As {@link #weights(String, String, String, NDManager)}, floating-point tensors in {@code precision}. */
    public WeightMap weights(String description, String component, String baseName, NDManager manager,
            Precision precision) {
        if (generator != null) {
            return WeightMap.generating(description, manager, generator, precision);
        }
        return WeightMap.open(description, weightFiles(component, baseName), manager, precision);
    }

    public static Snapshot open(Path dir) {
        // before the first weight is read: libtorch reads its allocation switch once, at its first tensor
        HostMemory.configure();
        TorchContext.configure();
        if (!Files.isDirectory(dir)) {
            throw new WeightLoadException("model folder not found: " + dir);
        }
        boolean index = Files.isRegularFile(dir.resolve("model_index.json"));
        boolean single = !index && Files.isRegularFile(dir.resolve("config.json"));
        if (!index && !single) {
            throw new WeightLoadException(dir + " is not a model snapshot: it has neither model_index.json"
                    + " (a diffusers pipeline) nor config.json (one model, as transformers saves it)");
        }
        return new Snapshot(dir, single, null);
    }

    public Path root() {
        return root;
    }

    /** The folder of a component; fails clearly when the snapshot lacks it. */
    public Path componentDir(String component) {
        if (singleComponent) {
            return root;
        }
        Path dir = root.resolve(component);
        if (!Files.isDirectory(dir)) {
            throw new WeightLoadException(root + " has no '" + component + "' folder");
        }
        return dir;
    }

    /** {@code component/config.json} (or another file name, such as {@code scheduler_config.json}). */
    public JsonConfig config(String component, String fileName) {
        return JsonConfig.read(componentDir(component).resolve(fileName));
    }

    public JsonConfig config(String component) {
        return config(component, "config.json");
    }

    /**
     * The weight files of a component, {@code baseName} being {@code diffusion_pytorch_model} for
     * diffusers models and {@code model} for transformers ones. Full precision is preferred; the
     * {@code fp16} variant is used when it is all there is (it is upcast on load).
     */
    public List<Path> weightFiles(String component, String baseName) {
        Path dir = componentDir(component);
        for (String variant : new String[] {"", ".fp16"}) {
            Path single = dir.resolve(baseName + variant + ".safetensors");
            if (Files.isRegularFile(single)) {
                return List.of(single);
            }
            Path index = dir.resolve(baseName + variant + ".safetensors.index.json");
            if (Files.isRegularFile(index)) {
                return shards(index);
            }
        }
        List<String> present = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).sorted().forEach(present::add);
        } catch (IOException e) {
            present.add("(unreadable: " + e.getMessage() + ")");
        }
        throw new WeightLoadException(dir + " has no " + baseName + ".safetensors (nor an fp16 or sharded variant);"
                + " found " + present + ". Only safetensors weights are loaded: pickled .bin files are refused"
                + " because loading them can run code.");
    }

    private static List<Path> shards(Path index) {
        try {
            JsonNode map = JSON.readTree(index.toFile()).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new WeightLoadException(index + " has no weight_map");
            }
            TreeSet<String> names = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                names.add(it.next().getValue().asText());
            }
            List<Path> out = new ArrayList<>();
            for (String name : names) {
                out.add(index.resolveSibling(name));
            }
            return out;
        } catch (IOException e) {
            throw new WeightLoadException(index + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
