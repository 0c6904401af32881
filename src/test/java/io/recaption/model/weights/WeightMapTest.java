package io.recaption.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class WeightMapTest {

    @TempDir
    Path tmp;

    @Test
    void readsEveryReferenceTensorWithItsShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            var meta = Fixtures.casesJson().get("tensors");
            meta.fields().forEachRemaining(e -> {
                if (e.getValue().has("shape")) {
                    NDArray a = cases.get(e.getKey());
                    assertTrue(a != null, "missing " + e.getKey());
                    long[] shape = new long[e.getValue().get("shape").size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = e.getValue().get("shape").get(i).asLong();
                    }
                    assertEquals(new Shape(shape), a.getShape(), e.getKey());
                }
            });
        }
    }

    @Test
    void roundTripsFloat32AndUpcastsFloat16() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.arange(12f).reshape(3, 4).div(7f);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("a", a);
            tensors.put("h", a.toType(DataType.FLOAT16, false));
            Path file = tmp.resolve("t.safetensors");
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
            SafetensorsFile st = SafetensorsFile.open(file);
            assertEquals(a, st.load("a", manager));
            NDArray h = st.load("h", manager);
            assertEquals(DataType.FLOAT32, h.getDataType());
            assertTrue(Fixtures.maxAbsDiff(a, h) < 1e-3);
        }
    }

    @Test
    void strictMapNamesMissingUnexpectedAndWrongShapes() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("block.weight", manager.ones(new Shape(4, 3)));
            tensors.put("block.bias", manager.ones(new Shape(5)));
            tensors.put("block.extra", manager.ones(new Shape(1)));
            Path file = tmp.resolve("w.safetensors");
            SafetensorsWriter.write(file, tensors, null);
            WeightMap weights = WeightMap.open("test model", List.of(file), manager);
            WeightMap block = weights.child("block");
            block.take("weight", 4, 3);
            block.take("bias", 4);
            block.take("gamma", 4);
            WeightLoadException e = assertThrows(WeightLoadException.class, weights::finish);
            String message = e.getMessage();
            assertTrue(message.contains("missing (1)") && message.contains("block.gamma"), message);
            assertTrue(message.contains("wrong shape (1)") && message.contains("block.bias: expected (4), found (5)"), message);
            assertTrue(message.contains("unexpected (1)") && message.contains("block.extra"), message);
        }
    }

    @Test
    void truncatedFileIsRefusedNamingTheTensor() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = tmp.resolve("w.safetensors");
            SafetensorsWriter.write(file, Map.of("w", manager.ones(new Shape(64, 64))), null);
            byte[] bytes = Files.readAllBytes(file);
            Path truncated = tmp.resolve("truncated.safetensors");
            Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> SafetensorsFile.open(truncated));
            assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("'w'"), e.getMessage());

            Path garbage = tmp.resolve("garbage.safetensors");
            Files.writeString(garbage, "this is not a tensor file at all");
            assertThrows(WeightLoadException.class, () -> SafetensorsFile.open(garbage));
        }
    }
}
