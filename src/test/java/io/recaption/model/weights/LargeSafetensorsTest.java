package io.recaption.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A safetensors file past 2 GB (an SD 1.5 UNet in float32 is 3.4 GB): the writer streamed it through one
 * {@code int}-sized buffer before, and {@code random-snapshot --preset sd15} failed with an integer overflow.
 * Integration tier: it writes and reads 2.1 GB.
 */
@Tag("integration")
class LargeSafetensorsTest {

    private static final long TWO_GB = 1L << 31;

    @TempDir
    Path tmp;

    @Test
    void writesAndReadsBackAFileLargerThanTwoGigabytes() throws Exception {
        Path file = tmp.resolve("large.safetensors");
        int count = 17; // 17 × 128 MiB = 2.125 GiB
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                // each tensor filled with its own index, so a misplaced offset reads the wrong value
                tensors.put("t" + i, manager.full(new Shape(8192, 4096), (float) i));
            }
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        }
        assertTrue(Files.size(file) > TWO_GB, "the file is past 2 GB: " + Files.size(file));

        SafetensorsFile read = SafetensorsFile.open(file);
        assertEquals(count, read.tensors().size());
        SafetensorsFile.TensorInfo last = read.tensors().get("t" + (count - 1));
        assertTrue(last.begin() > Integer.MAX_VALUE, "the last tensor begins past an int offset: " + last.begin());
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : new String[] {"t0", "t16"}) {
                NDArray loaded = read.load(name, manager);
                float expected = Float.parseFloat(name.substring(1));
                assertEquals(new Shape(8192, 4096), loaded.getShape(), name);
                assertEquals(expected, loaded.min().getFloat(), name + " min");
                assertEquals(expected, loaded.max().getFloat(), name + " max");
            }
        }
    }
}
