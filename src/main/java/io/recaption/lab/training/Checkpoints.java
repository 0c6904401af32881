package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Resumable training state in a folder: one sub-folder per saved step ({@code <stage>-<step>/} with a
 * safetensors file per trained component and {@code optimizer.safetensors}: the Adam moments, with the
 * stage and step in its metadata), and a {@code latest} file naming the newest. A checkpoint is written
 * into a hidden temporary folder, renamed into place, and only then named by {@code latest} (itself
 * replaced by an atomic rename), so a run killed at any moment leaves the previous checkpoint intact.
 */
public final class Checkpoints {

    private static final String LATEST = "latest";
    private static final String OPTIMIZER = "optimizer.safetensors";

    /** A saved checkpoint. */
    public record Saved(Path dir, String stage, long step) {}

    private final Path root;

    public Checkpoints(Path root) {
        this.root = root;
    }

    public void save(String stage, long step, Parameters parameters, AdamW optimizer) throws IOException {
        Files.createDirectories(root);
        String name = stage + "-" + step;
        Path tmp = root.resolve("." + name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        for (String component : parameters.components().keySet()) {
            parameters.save(component, tmp.resolve(component + ".safetensors"));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("stage", stage);
        metadata.put("step", Long.toString(step));
        metadata.put("optimizer_steps", Long.toString(optimizer.steps()));
        SafetensorsWriter.write(tmp.resolve(OPTIMIZER), optimizer.state(), metadata);
        Path target = root.resolve(name);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Path pointer = Files.createTempFile(root, LATEST, ".tmp");
        Files.writeString(pointer, name + "\n", StandardCharsets.UTF_8);
        Files.move(pointer, root.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // older checkpoints are no longer needed once latest names this one
        try (Stream<Path> entries = Files.list(root)) {
            for (Path old : entries.filter(Files::isDirectory).filter(p -> !p.equals(target)).toList()) {
                deleteTree(old);
            }
        }
    }

    /** The checkpoint {@code latest} names, if any. */
    public Optional<Saved> latest() throws IOException {
        Path pointer = root.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        int dash = name.lastIndexOf('-');
        if (dash <= 0) {
            throw new IOException(pointer + " names '" + name + "', not <stage>-<step>");
        }
        return Optional.of(new Saved(root.resolve(name), name.substring(0, dash), Long.parseLong(name.substring(dash + 1))));
    }

    /** Puts the checkpoint's weights and moments into the (already built) parameters and optimizer. */
    public void restore(Saved saved, Parameters parameters, AdamW optimizer, NDManager scratch) {
        for (String component : parameters.components().keySet()) {
            parameters.load(component, saved.dir().resolve(component + ".safetensors"), scratch);
        }
        SafetensorsFile file = SafetensorsFile.open(saved.dir().resolve(OPTIMIZER));
        long optimizerSteps = Long.parseLong(metadata(file, "optimizer_steps"));
        try (NDManager manager = scratch.newSubManager()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (String key : file.tensors().keySet()) {
                state.put(key, file.load(key, manager));
            }
            optimizer.restore(state, optimizerSteps);
        }
    }

    private static String metadata(SafetensorsFile file, String key) {
        try {
            byte[] bytes = Files.readAllBytes(file.path());
            long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(bytes, 8, Math.toIntExact(headerLength), StandardCharsets.UTF_8);
            com.fasterxml.jackson.databind.JsonNode value = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(header).path("__metadata__").path(key);
            if (!value.isTextual()) {
                throw new IOException(file.path() + " has no metadata '" + key + "'");
            }
            return value.textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
