package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused {@code scaled_dot_product_attention} (the kernel diffusers' {@code AttnProcessor2_0}
 * uses), which DJL does not bind. On CPU it is a blocked flash-attention kernel that never materialises
 * the [Nq, Nk] probabilities: about five times faster than softmax(q·kᵀ)·v for the 1024-token
 * self-attention of a 32² latent, and the whole UNet forward about twice as fast.
 *
 * <p>DJL can run TorchScript modules, so a one-method module is written here, as TorchScript source in
 * the archive layout libtorch reads ({@code code/}, a pickled module object, {@code constants.pkl},
 * {@code version}), loaded once per model and called with autograd on, so gradients to the text context
 * flow through it. Nothing is compiled ahead of time and no Python is involved: libtorch compiles the
 * source when it loads the archive.
 */
public final class FusedAttention implements AutoCloseable {

    private static final String ARCHIVE = "fused_attention";
    private static final String SOURCE = String.join("\n",
            "class FusedAttention(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.FusedAttention,",
            "    query: Tensor,",
            "    key: Tensor,",
            "    value: Tensor) -> Tensor:",
            "    return torch.scaled_dot_product_attention(query, key, value)",
            "");

    private final PtSymbolBlock module;

    private FusedAttention(PtSymbolBlock module) {
        this.module = module;
    }

    /** Compiles and loads the module into {@code manager} (closed with it, or by {@link #close()}). */
    public static FusedAttention load(NDManager manager) {
        try {
            Path file = Files.createTempFile("fused-attention", ".pt");
            try {
                Files.write(file, archive());
                PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager, file, true, new String[0],
                        new String[0], false);
                return new FusedAttention(module);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fused-attention module", e);
        }
    }

    /**
     * query [B, h, Nq, dh], key and value [B, h, Nk, dh] → softmax(q·kᵀ/√dh)·v [B, h, Nq, dh], in the query's
     * manager. Runs with autograd enabled (the module call is made in training mode).
     */
    public NDArray apply(NDArray query, NDArray key, NDArray value) {
        return IValueUtils.forward(module, new NDList(query, key, value), true).singletonOrThrow();
    }

    @Override
    public void close() {
        module.close();
    }

    /** The TorchScript archive: a zip of stored entries under one folder. */
    static byte[] archive() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", modulePickle());
        entries.put("code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
        // no constants: an empty tuple (pickle protocol 2: PROTO 2, EMPTY_TUPLE, STOP)
        entries.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(ARCHIVE + "/" + e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                entry.setCompressedSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * The module object as TorchScript pickles it (protocol 2): an instance of {@code __torch__.FusedAttention}
     * built from the state dict {@code {"training": False}}.
     */
    private static byte[] modulePickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        writeAscii(p, "c__torch__\nFusedAttention\n");
        p.write(')');
        p.write(0x81);
        p.write('}');
        p.write('(');
        byte[] key = "training".getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.write(key, 0, key.length);
        p.write(0x89);
        p.write('u');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }
}
