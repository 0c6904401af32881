package io.recaption.model.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors in the safetensors format (the layout {@code safetensors.torch.save_file} writes:
 * header padded with spaces to a multiple of 8, data in header order), through a temporary file
 * and an atomic rename so that a reader never sees half a file.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Encodes {@code tensors} (in map order) with optional string metadata. */
    public static byte[] encode(Map<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            NDArray array = entry.getValue();
            byte[] bytes = toLittleEndianBytes(array);
            ObjectNode node = header.putObject(entry.getKey());
            node.put("dtype", array.getDataType().asSafetensors());
            ArrayNode shape = node.putArray("shape");
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
            ArrayNode offsets = node.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + bytes.length);
            offset += bytes.length;
            blobs.add(bytes);
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (byte[] blob : blobs) {
            out.put(blob);
        }
        return out.array();
    }

    private static byte[] toLittleEndianBytes(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("expected native little-endian tensor bytes");
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Writes the file atomically (temporary sibling, then rename). */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            os.write(encode(tensors, metadata));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
