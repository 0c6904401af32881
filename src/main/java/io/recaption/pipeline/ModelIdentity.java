package io.recaption.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.recaption.diffusion.PipelineKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which model made an inversion, independent of where it lies on disk: the snapshot's name and a SHA-256 over
 * its configuration and tokenizer files (every {@code .json} and {@code .txt}) and the headers of its
 * {@code .safetensors} files (tensor names, dtypes, shapes and offsets). Two folders with the same files hash
 * the same wherever they are mounted; a different checkpoint of the same architecture differs in its
 * configs or, nearly always, in a header's {@code __metadata__} or offsets. Reading headers only keeps the
 * hash cheap (milliseconds for SD 1.5's 4 GB); it is an identity, not an integrity check of every weight.
 *
 * @param name the snapshot's name (e.g. {@code stable-diffusion-v1-5}); informative, not compared
 * @param hash {@code sha256:} and 64 hex digits; what an edit compares with its inversion's
 * @param family SD or SDXL, from the snapshot's model_index.json; null in manifests written before it was recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelIdentity(String name, String hash, ModelFamily family) {

    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** An identity whose family is not known (older manifests, test doubles). */
    public ModelIdentity(String name, String hash) {
        this(name, hash, null);
    }

    public ModelIdentity {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a model identity needs a name");
        }
        if (hash == null || !HASH.matcher(hash).matches()) {
            throw new IllegalArgumentException("a model hash is sha256: and 64 hex digits, got " + hash);
        }
    }

    /** The identity of the snapshot in {@code folder}, named {@code name} (or the folder's own name when null). */
    public static ModelIdentity of(Path folder, String name) {
        MessageDigest sha = sha256();
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String relative = folder.relativize(file).toString().replace('\\', '/');
                if (fileName.endsWith(".json") || fileName.endsWith(".txt")) {
                    update(sha, relative, Files.readAllBytes(file));
                } else if (fileName.endsWith(".safetensors")) {
                    update(sha, relative, safetensorsHeader(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model snapshot " + folder, e);
        }
        Path fileName = folder.toAbsolutePath().normalize().getFileName();
        String resolved = name != null && !name.isBlank() ? name : fileName == null ? "model" : fileName.toString();
        return new ModelIdentity(resolved, "sha256:" + HexFormat.of().formatHex(sha.digest()),
                ModelFamily.of(PipelineKind.of(folder)));
    }

    /** Whether both name the same weights (the hash decides; names are labels). */
    public boolean sameModel(ModelIdentity other) {
        return other != null && hash.equals(other.hash);
    }

    private static void update(MessageDigest sha, String relative, byte[] content) {
        sha.update(relative.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(ByteBuffer.allocate(8).putLong(content.length).array());
        sha.update(content);
    }

    /** The 8-byte length and the JSON header of a safetensors file (its tensors are not read). */
    private static byte[] safetensorsHeader(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            long headerLength = length.flip().remaining() == 8 ? length.getLong() : -1;
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > channel.size() - 8) {
                throw new IOException(file + " is not a safetensors file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength + 8);
            header.order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength);
            while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
                // a channel may return fewer bytes than asked
            }
            return header.array();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
