package io.recaption.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.nn.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the data.
 *
 * <p>DJL's own {@code NDList.decode} reads the whole file into one Java array and keeps offsets as
 * {@code int}, so it cannot open an SD 1.x UNet (3.4 GB in fp32). This reader validates the header
 * against the file size first (a truncated download fails here, naming the tensor), then maps each
 * tensor's bytes and hands them to DJL's {@code NDManager.create(Buffer, Shape, DataType)} with
 * DJL's own safetensors dtype mapping. Half-precision tensors are upcast to float32 on load.
 */
public final class SafetensorsFile {

    /** Where one tensor lies in the file. */
    public record TensorInfo(String name, DataType dataType, Shape shape, long begin, long end) {}

    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private ByteBuffer scratch;

    private SafetensorsFile(Path path, long dataStart, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.dataStart = dataStart;
        this.tensors = tensors;
    }

    /** Reads and checks the header; no tensor data is read yet. */
    public static SafetensorsFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new WeightLoadException("weights file not found: " + path);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new WeightLoadException(path + " is not a safetensors file: only " + size + " bytes");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new WeightLoadException(path + " is not a safetensors file or is truncated: header length "
                        + headerLength + " with a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLength;
            return new SafetensorsFile(path, dataStart, parseHeader(path, json, size - dataStart));
        } catch (IOException e) {
            throw new WeightLoadException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, String json, long dataBytes) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new WeightLoadException(path + " has a malformed safetensors header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightLoadException(path + " has a safetensors header that is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if ("__metadata__".equals(name)) {
                continue;
            }
            JsonNode node = entry.getValue();
            JsonNode offsets = node.get("data_offsets");
            JsonNode shapeNode = node.get("shape");
            JsonNode dtypeNode = node.get("dtype");
            if (offsets == null || offsets.size() != 2 || shapeNode == null || !shapeNode.isArray() || dtypeNode == null) {
                throw new WeightLoadException(path + ": malformed entry for tensor '" + name + "'");
            }
            DataType dataType;
            try {
                dataType = DataType.fromSafetensors(dtypeNode.asText());
            } catch (IllegalArgumentException e) {
                throw new WeightLoadException(path + ": tensor '" + name + "' has unsupported dtype " + dtypeNode.asText());
            }
            long[] dims = new long[shapeNode.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shapeNode.get(i).asLong();
            }
            Shape shape = new Shape(dims);
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            long expected = shape.size() * dataType.getNumOfBytes();
            if (begin < 0 || end < begin || end - begin != expected) {
                throw new WeightLoadException(path + ": tensor '" + name + "' has byte range [" + begin + ", " + end
                        + ") that does not hold shape " + shape + " of " + dataType);
            }
            if (end > dataBytes) {
                throw new WeightLoadException(path + " is truncated: tensor '" + name + "' needs " + end
                        + " data bytes but the file has " + dataBytes);
            }
            tensors.put(name, new TensorInfo(name, dataType, shape, begin, end));
        }
        return Collections.unmodifiableMap(tensors);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Loads one tensor into {@code manager}, as float32 when it is stored in another floating-point type. */
    public NDArray load(String name, NDManager manager) {
        return load(name, manager, Precision.FLOAT32);
    }

    /**
     * Loads one tensor into {@code manager}; a floating-point tensor comes in {@code precision} (a float16 file
     * loaded as float16 is used as stored). Integer tensors stay as stored.
     */
    public synchronized NDArray load(String name, NDManager manager, Precision precision) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new WeightLoadException(path + " has no tensor '" + name + "'");
        }
        boolean floating = info.dataType().isFloating();
        if (info.shape().size() == 0) {
            NDArray empty = floating ? precision.cast(manager.zeros(info.shape())) : manager.zeros(info.shape(), info.dataType());
            empty.setName(name);
            return empty;
        }
        // Read, not mapped (a mapping keeps the file's pages resident until a GC unmaps it), into memory libtorch
        // owns: straight into the tensor when it is kept as stored, else through one reused buffer and a
        // conversion. A tensor made on a Java direct buffer would share it, and direct buffers are returned only
        // by the garbage collector and count against the JVM's direct-memory limit: weights kept on them would
        // need a heap setting as large as the model and keep every converted original alive until a collection.
        int bytes = Math.toIntExact(info.end() - info.begin());
        DataType kept = floating ? precision.dataType() : info.dataType();
        if (kept == info.dataType() && kept != DataType.BFLOAT16) {
            NDArray out = manager.create(info.shape(), kept);
            ByteBuffer memory = out.toByteBuffer(true); // the tensor's own memory (a fresh tensor is contiguous)
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                readFully(channel, memory.clear().limit(bytes), dataStart + info.begin());
            } catch (IOException | RuntimeException e) {
                out.close();
                throw new WeightLoadException("cannot read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
            }
            out.setName(name);
            return out;
        }
        boolean bfloat16 = info.dataType() == DataType.BFLOAT16;
        ByteBuffer buffer = scratch(bfloat16 ? 2 * bytes : bytes);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            readFully(channel, buffer.limit(bytes), dataStart + info.begin());
        } catch (IOException e) {
            throw new WeightLoadException("cannot read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
        }
        buffer.flip();
        DataType stored = info.dataType();
        if (bfloat16) {
            // DJL cannot make a bfloat16 array (see Precision); bfloat16 is float32's upper half, so it widens
            // exactly, in place from the back
            buffer.limit(2 * bytes);
            for (int i = bytes / 2 - 1; i >= 0; i--) {
                buffer.putInt(4 * i, (buffer.getShort(2 * i) & 0xffff) << 16);
            }
            stored = DataType.FLOAT32;
        }
        try (NDArray read = manager.create(buffer, info.shape(), stored)) {
            NDArray out = floating ? precision.cast(read) : read;
            out = out == read ? read.duplicate() : out;
            out.setName(name);
            return out;
        }
    }

    /** The reused read buffer (made once, as large as the file's largest tensor), cleared, limited to {@code bytes}. */
    private ByteBuffer scratch(int bytes) {
        if (scratch == null) {
            // bfloat16 tensors are widened to float32 in the buffer
            long largest = tensors.values().stream()
                    .mapToLong(t -> (t.end() - t.begin()) * (t.dataType() == DataType.BFLOAT16 ? 2 : 1)).max().orElse(1);
            scratch = ByteBuffer.allocateDirect(Math.toIntExact(Math.max(largest, bytes))).order(ByteOrder.LITTLE_ENDIAN);
        }
        scratch.clear().limit(bytes);
        return scratch;
    }
}
