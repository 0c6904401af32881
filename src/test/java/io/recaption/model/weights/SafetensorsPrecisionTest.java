package io.recaption.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.recaption.model.nn.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Half-precision files: bfloat16 tensors (which DJL cannot make, see Precision) widen exactly to float32;
 * a tensor comes in the precision asked for; a float16 file asked for in float16 is used as stored.
 */
@Tag("unit")
class SafetensorsPrecisionTest {

    /** 1.0, 2.0, −3.5, 0.15625 — exact in both 16-bit formats. */
    private static final float[] VALUES = {1f, 2f, -3.5f, 0.15625f};
    private static final short[] BF16 = {0x3f80, 0x4000, (short) 0xc060, 0x3e20};
    private static final short[] F16 = {0x3c00, 0x4000, (short) 0xc300, 0x3100};

    @Test
    void halfPrecisionTensorsLoadExactlyInTheAskedPrecision(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("half.safetensors");
        write(file);
        SafetensorsFile st = SafetensorsFile.open(file);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray b32 = st.load("b", manager, Precision.FLOAT32);
            assertEquals(DataType.FLOAT32, b32.getDataType());
            assertArrayEquals(VALUES, b32.toFloatArray());
            assertEquals("b", b32.getName());

            NDArray b16 = st.load("b", manager, Precision.BFLOAT16);
            assertEquals(Precision.BFLOAT16, Precision.of(b16));
            assertArrayEquals(VALUES, Precision.full(b16).toFloatArray());

            NDArray h16 = st.load("h", manager, Precision.FLOAT16);
            assertEquals(DataType.FLOAT16, h16.getDataType());
            assertArrayEquals(VALUES, Precision.full(h16).toFloatArray());
            assertArrayEquals(VALUES, st.load("h", manager).toFloatArray());

            NDArray hb = st.load("h", manager, Precision.BFLOAT16);
            assertEquals(Precision.BFLOAT16, Precision.of(hb));
            assertArrayEquals(VALUES, Precision.full(hb).toFloatArray());
        }
    }

    private static void write(Path file) throws IOException {
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[8,16]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        for (short s : BF16) {
            bytes.putShort(s);
        }
        for (short s : F16) {
            bytes.putShort(s);
        }
        Files.write(file, bytes.array());
    }
}
