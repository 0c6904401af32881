package io.recaption.model.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes tensors in the safetensors format (the layout {@code safetensors.torch.save_file} writes:
 * header padded with spaces to a multiple of 8, data in header order), through a temporary file
 * and an atomic rename so that a reader never sees half a file.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /**
     * The header (with its 8-byte length prefix and the space padding) for {@code tensors} in map order; offsets
     * are longs, so the data may exceed 2 GB (an SD 1.5 UNet in float32 is 3.4 GB), though no one tensor does.
     */
    static byte[] header(Map<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            NDArray array = entry.getValue();
            long bytes = array.size() * array.getDataType().getNumOfBytes();
            ObjectNode node = header.putObject(entry.getKey());
            node.put("dtype", array.getDataType().asSafetensors());
            ArrayNode shape = node.putArray("shape");
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
            ArrayNode offsets = node.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    /** Writes the file atomically (temporary sibling, then rename). */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        // streamed one tensor at a time: the file is never held whole in memory (nor in one Java array)
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(header(tensors, metadata)));
            for (NDArray array : tensors.values()) {
                ByteBuffer bytes = array.toByteBuffer();
                if (bytes.order() != ByteOrder.LITTLE_ENDIAN) {
                    throw new IllegalStateException("expected native little-endian tensor bytes");
                }
                writeFully(channel, bytes);
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
