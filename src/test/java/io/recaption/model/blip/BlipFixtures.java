package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.weights.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The BLIP reference fixture copied into {@code src/test/resources/blip} (see its README). */
final class BlipFixtures {

    private BlipFixtures() {}

    static Path root() {
        try {
            return Path.of(BlipFixtures.class.getResource("/blip/blip-cases.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tiny BLIP snapshot in the Hub layout. */
    static Path model() {
        return root().resolve("model");
    }

    static Path image() {
        return root().resolve("image.png");
    }

    static Map<String, NDArray> cases(NDManager manager) {
        SafetensorsFile file = SafetensorsFile.open(root().resolve("blip-cases.safetensors"));
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : file.tensors().keySet()) {
            out.put(name, file.load(name, manager));
        }
        return out;
    }

    static JsonNode casesJson() {
        try {
            return new ObjectMapper().readTree(root().resolve("blip-cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    /** A writable copy of the snapshot, without the files named. */
    static Path copyModel(Path target, String... without) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(model())) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!java.util.Arrays.asList(without).contains(name)) {
                    Files.copy(file, target.resolve(name));
                }
            }
        }
        return target;
    }
}
