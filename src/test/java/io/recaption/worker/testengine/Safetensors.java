package io.recaption.worker.testengine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Writes 1-D float32 tensors in the safetensors format (8-byte header length, JSON header, little-endian data). */
final class Safetensors {

    private Safetensors() {}

    static void write(Path file, Map<String, float[]> tensors) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        Map<String, float[]> sorted = new TreeMap<>(tensors);
        for (Map.Entry<String, float[]> tensor : sorted.entrySet()) {
            long size = tensor.getValue().length * 4L;
            ObjectNode entry = header.putObject(tensor.getKey());
            entry.put("dtype", "F32");
            entry.putArray("shape").add(tensor.getValue().length);
            entry.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + headerBytes.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerBytes.length).put(headerBytes);
        for (float[] values : sorted.values()) {
            for (float v : values) {
                out.putFloat(v);
            }
        }
        Files.write(file, out.array());
    }
}
