package io.recaption.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
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

    /** Loads one tensor into {@code manager}, as float32 when it is stored in half precision. */
    public NDArray load(String name, NDManager manager) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new WeightLoadException(path + " has no tensor '" + name + "'");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = info.end() - info.begin();
            ByteBuffer direct = ByteBuffer.allocateDirect((int) Math.max(1, length)).order(ByteOrder.LITTLE_ENDIAN);
            if (length > 0) {
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), length);
                direct.put(mapped.order(ByteOrder.LITTLE_ENDIAN));
            }
            direct.flip();
            NDArray raw = manager.create(direct, info.shape(), info.dataType());
            NDArray out = raw;
            if (info.dataType() == DataType.FLOAT16 || info.dataType() == DataType.BFLOAT16
                    || info.dataType() == DataType.FLOAT64) {
                out = raw.toType(DataType.FLOAT32, false);
                raw.close();
            }
            out.setName(name);
            return out;
        } catch (IOException e) {
            throw new WeightLoadException("cannot read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
        }
    }
}
