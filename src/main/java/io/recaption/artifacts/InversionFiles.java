package io.recaption.artifacts;

import io.recaption.diffusion.Refusal;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one inversion, exactly what the worker stores under an S3 prefix:
 * {@code latents.safetensors} (z_T, z_0 [1, 4, h, w], and direct inversion's offsets),
 * {@code null-embeddings.safetensors} (∅ per step [steps, L, d], index 0 used at the noisiest step),
 * {@code reconstruction.png}, and {@code manifest.json}, written last: its presence means complete.
 */
public final class InversionFiles {

    public static final String LATENTS = "latents.safetensors";
    public static final String NULL_EMBEDDINGS = "null-embeddings.safetensors";
    public static final String RECONSTRUCTION = "reconstruction.png";
    public static final String MANIFEST = "manifest.json";
    public static final List<String> ALL = List.of(LATENTS, NULL_EMBEDDINGS, RECONSTRUCTION, MANIFEST);
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored inversion read back: its tensors (in the caller's manager) and manifest. */
    public record Stored(NDArray zT, NDArray z0, NDArray nullEmbeddings, NDArray directOffsets, JsonNode manifest) {
        public String caption() {
            return manifest.path("caption").asText();
        }

        public int steps() {
            return (int) nullEmbeddings.getShape().get(0);
        }
    }

    private InversionFiles() {}

    /**
     * Writes the tensors and the reconstruction, then the manifest last (each file atomically); the manifest
     * is given as its JSON (the pipeline's {@code InversionManifest}, which carries {@link #FORMAT_VERSION}).
     */
    public static void write(Path dir, NDArray zT, NDArray z0, NDArray nullEmbeddings, NDArray directOffsets,
            byte[] reconstructionPng, byte[] manifestJson) throws IOException {
        Files.createDirectories(dir);
        Map<String, NDArray> latents = new LinkedHashMap<>();
        latents.put("z_T", zT);
        latents.put("z_0", z0);
        if (directOffsets != null) {
            latents.put("direct_offsets", directOffsets);
        }
        SafetensorsWriter.write(dir.resolve(LATENTS), latents, Map.of("format", "recaption-inversion"));
        SafetensorsWriter.write(dir.resolve(NULL_EMBEDDINGS), Map.of("null_embeddings", nullEmbeddings),
                Map.of("order", "sampling: index 0 at the first, noisiest step"));
        writeAtomically(dir.resolve(RECONSTRUCTION), reconstructionPng);
        writeAtomically(dir.resolve(MANIFEST), manifestJson);
    }

    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads and checks an inversion folder; anything missing, corrupt or inconsistent is refused clearly. */
    public static Stored read(Path dir, NDManager manager) {
        if (!Files.isDirectory(dir)) {
            throw corrupt("no inversion folder at " + dir);
        }
        for (String name : ALL) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw corrupt("the inversion at " + dir + " is incomplete: " + name + " is missing");
            }
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(dir.resolve(MANIFEST).toFile());
        } catch (IOException e) {
            throw corrupt("the manifest of " + dir + " is not valid JSON: " + e.getMessage());
        }
        if (manifest == null || !manifest.path("caption").isTextual()) {
            throw corrupt("the manifest of " + dir + " has no caption");
        }
        if (manifest.path("formatVersion").asInt(-1) != FORMAT_VERSION) {
            throw corrupt("the inversion at " + dir + " has format version " + manifest.path("formatVersion")
                    + "; this build reads version " + FORMAT_VERSION);
        }
        try {
            SafetensorsFile latents = SafetensorsFile.open(dir.resolve(LATENTS));
            SafetensorsFile nulls = SafetensorsFile.open(dir.resolve(NULL_EMBEDDINGS));
            for (String key : List.of("z_T", "z_0")) {
                if (!latents.tensors().containsKey(key)) {
                    throw corrupt(LATENTS + " of " + dir + " has no '" + key + "'");
                }
            }
            if (!nulls.tensors().containsKey("null_embeddings")) {
                throw corrupt(NULL_EMBEDDINGS + " of " + dir + " has no 'null_embeddings'");
            }
            NDArray zT = latents.load("z_T", manager);
            NDArray z0 = latents.load("z_0", manager);
            NDArray nullEmbeddings = nulls.load("null_embeddings", manager);
            NDArray offsets = latents.tensors().containsKey("direct_offsets")
                    ? latents.load("direct_offsets", manager) : null;
            Shape latentShape = zT.getShape();
            if (latentShape.dimension() != 4 || latentShape.get(0) != 1 || !latentShape.equals(z0.getShape())) {
                throw corrupt("z_T " + latentShape + " and z_0 " + z0.getShape() + " must both be [1, c, h, w]");
            }
            if (nullEmbeddings.getShape().dimension() != 3) {
                throw corrupt("null_embeddings must be [steps, L, d], found " + nullEmbeddings.getShape());
            }
            long steps = nullEmbeddings.getShape().get(0);
            if (manifest.has("settings") && manifest.path("settings").path("steps").asLong(steps) != steps) {
                throw corrupt("the manifest says " + manifest.path("settings").path("steps") + " steps but there are "
                        + steps + " null embeddings");
            }
            if (offsets != null && (offsets.getShape().get(0) != steps
                    || !offsets.getShape().slice(1).equals(latentShape.slice(1)))) {
                throw corrupt("direct_offsets " + offsets.getShape() + " do not fit " + steps + " steps of "
                        + latentShape);
            }
            return new Stored(zT, z0, nullEmbeddings, offsets, manifest);
        } catch (WeightLoadException e) {
            throw corrupt("the inversion at " + dir + " is corrupt: " + e.getMessage());
        }
    }

    private static InputRejectedException corrupt(String message) {
        return new InputRejectedException(Refusal.CORRUPT_INVERSION, message);
    }
}
