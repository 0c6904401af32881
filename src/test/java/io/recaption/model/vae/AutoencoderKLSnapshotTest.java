package io.recaption.model.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.Fixtures;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the VAE from altered copies of the tiny snapshot: broken ones fail clearly, variants load. */
@Tag("conformance")
class AutoencoderKLSnapshotTest {

    private static final String WEIGHTS = "diffusion_pytorch_model.safetensors";

    @TempDir
    Path tmp;

    /** A copy of the tiny snapshot's index and VAE folder. */
    private Path copySnapshot() throws IOException {
        Path root = tmp.resolve("snapshot");
        Files.createDirectories(root.resolve("vae"));
        Files.copy(Fixtures.tinySd().resolve("model_index.json"), root.resolve("model_index.json"));
        for (String file : new String[] {"config.json", WEIGHTS}) {
            Files.copy(Fixtures.tinySd().resolve("vae").resolve(file), root.resolve("vae").resolve(file));
        }
        return root;
    }

    /** Rewrites the copy's VAE weights through {@code edit} (tensor map in, tensor map out) into {@code fileName}. */
    private static void rewrite(Path root, String fileName, NDManager manager,
            UnaryOperator<Map<String, NDArray>> edit) throws IOException {
        Path file = root.resolve("vae").resolve(WEIGHTS);
        SafetensorsFile original = SafetensorsFile.open(file);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (String name : original.tensors().keySet()) {
            tensors.put(name, original.load(name, manager));
        }
        Map<String, NDArray> edited = edit.apply(tensors);
        Files.delete(file);
        SafetensorsWriter.write(root.resolve("vae").resolve(fileName), edited, Map.of("format", "pt"));
    }

    private static Map<String, NDArray> renamed(Map<String, NDArray> tensors, Map<String, String> renames) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> out.put(renames.getOrDefault(name, name), tensor));
        return out;
    }

    private static WeightLoadException loadFails(Path root, NDManager weightsManager) {
        WeightLoadException e = assertThrows(WeightLoadException.class,
                () -> AutoencoderKL.load(Snapshot.open(root), weightsManager));
        System.out.println("refused as expected: " + e.getMessage());
        return e;
    }

    @Test
    void renamedKeyIsNamedAsMissingAndUnexpected() throws IOException {
        Path root = copySnapshot();
        try (NDManager manager = NDManager.newBaseManager(); NDManager weights = NDManager.newBaseManager()) {
            rewrite(root, WEIGHTS, manager,
                    t -> renamed(t, Map.of("encoder.conv_in.weight", "encoder.conv_in.kernel")));
            String message = loadFails(root, weights).getMessage();
            assertTrue(message.contains("missing (1)") && message.contains("encoder.conv_in.weight"), message);
            assertTrue(message.contains("unexpected (1)") && message.contains("encoder.conv_in.kernel"), message);
            assertTrue(weights.getManagedArrays().isEmpty(), "a failed load left tensors in the weights manager");
        }
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() throws IOException {
        Path root = copySnapshot();
        try (NDManager manager = NDManager.newBaseManager(); NDManager weights = NDManager.newBaseManager()) {
            rewrite(root, WEIGHTS, manager, t -> {
                t.put("decoder.conv_out.bias", manager.zeros(new Shape(4)));
                return t;
            });
            String message = loadFails(root, weights).getMessage();
            assertTrue(message.contains("wrong shape (1)")
                    && message.contains("decoder.conv_out.bias: expected (3), found (4)"), message);
            assertFalse(message.contains("missing"), message);
        }
    }

    @Test
    void missingConfigIsNamed() throws IOException {
        Path root = copySnapshot();
        Files.delete(root.resolve("vae/config.json"));
        try (NDManager weights = NDManager.newBaseManager()) {
            String message = loadFails(root, weights).getMessage();
            assertTrue(message.contains("missing config file") && message.contains("config.json"), message);
        }
    }

    @Test
    void truncatedWeightsAreNamed() throws IOException {
        Path root = copySnapshot();
        Path file = root.resolve("vae").resolve(WEIGHTS);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000));
        try (NDManager weights = NDManager.newBaseManager()) {
            String message = loadFails(root, weights).getMessage();
            assertTrue(message.contains("truncated") && message.contains(WEIGHTS), message);
        }
    }

    @Test
    void missingVaeFolderIsNamed() throws IOException {
        Path root = copySnapshot();
        Files.delete(root.resolve("vae/config.json"));
        Files.delete(root.resolve("vae").resolve(WEIGHTS));
        Files.delete(root.resolve("vae"));
        try (NDManager weights = NDManager.newBaseManager()) {
            String message = loadFails(root, weights).getMessage();
            assertTrue(message.contains("has no 'vae' folder"), message);
        }
    }

    @Test
    void missingWeightsFileIsNamed() throws IOException {
        Path root = copySnapshot();
        Files.delete(root.resolve("vae").resolve(WEIGHTS));
        try (NDManager weights = NDManager.newBaseManager()) {
            String message = loadFails(root, weights).getMessage();
            assertTrue(message.contains("has no diffusion_pytorch_model.safetensors"), message);
        }
    }

    /** An fp16-only snapshot loads (upcast to float32) and matches diffusers within half precision. */
    @Test
    void fp16VariantLoadsAndMatchesWithinHalfPrecision() throws IOException {
        Path root = copySnapshot();
        try (NDManager manager = NDManager.newBaseManager(); NDManager weights = NDManager.newBaseManager()) {
            rewrite(root, "diffusion_pytorch_model.fp16.safetensors", manager, t -> {
                Map<String, NDArray> half = new LinkedHashMap<>();
                t.forEach((name, tensor) -> half.put(name, tensor.toType(DataType.FLOAT16, false)));
                return half;
            });
            assertFalse(Files.exists(root.resolve("vae").resolve(WEIGHTS)));
            AutoencoderKL vae = AutoencoderKL.load(Snapshot.open(root), weights);
            Map<String, NDArray> cases = Fixtures.cases(manager);
            LatentDistribution latent = vae.encode(cases.get("vae.pixels"));
            NDArray decoded = vae.decode(cases.get("vae.latent_mean"));
            // fp16 keeps 11 significant bits (relative rounding 2^-11 ≈ 5e-4 per weight)
            Fixtures.assertRelativeL2("vae.latent_mean (fp16 weights)", cases.get("vae.latent_mean"), latent.mean(), 5e-3);
            Fixtures.assertRelativeL2("vae.decoded (fp16 weights)", cases.get("vae.decoded"), decoded, 5e-3);
        }
    }

    /** SD 1.4-era snapshots name the mid-block attention's projections query/key/value/proj_attn. */
    @Test
    void deprecatedAttentionKeyNamesLoadAndMatch() throws IOException {
        Path root = copySnapshot();
        Map<String, String> renames = new LinkedHashMap<>();
        for (String part : new String[] {"encoder", "decoder"}) {
            String prefix = part + ".mid_block.attentions.0.";
            for (String[] pair : new String[][] {{"to_q", "query"}, {"to_k", "key"}, {"to_v", "value"},
                    {"to_out.0", "proj_attn"}}) {
                for (String leaf : new String[] {".weight", ".bias"}) {
                    renames.put(prefix + pair[0] + leaf, prefix + pair[1] + leaf);
                }
            }
        }
        try (NDManager manager = NDManager.newBaseManager(); NDManager weights = NDManager.newBaseManager()) {
            rewrite(root, WEIGHTS, manager, t -> {
                assertTrue(t.keySet().containsAll(renames.keySet()), "the tiny VAE uses the current key names");
                return renamed(t, renames);
            });
            AutoencoderKL vae = AutoencoderKL.load(Snapshot.open(root), weights);
            Map<String, NDArray> cases = Fixtures.cases(manager);
            Fixtures.assertMaxAbs("vae.decoded (deprecated keys)", cases.get("vae.decoded"),
                    vae.decode(cases.get("vae.latent_mean")), 1e-3);
            assertEquals(8, vae.downscaleFactor());
        }
    }
}
