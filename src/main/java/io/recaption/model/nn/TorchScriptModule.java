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
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The seam to libtorch ops DJL does not bind ({@code scaled_dot_product_attention}, {@code group_norm},
 * {@code silu}): a parameter-free one-class module written as TorchScript source in the archive layout libtorch
 * reads ({@code code/}, a pickled module object, {@code constants.pkl}, {@code version}). Nothing is compiled
 * ahead of time and no Python is involved: libtorch compiles the source when it loads the archive.
 */
final class TorchScriptModule {

    private TorchScriptModule() {}

    /** The home of the process-wide modules (they hold no tensors): made on first use, never closed. */
    private static final class Process {
        static final NDManager MANAGER = NDManager.newBaseManager();
        static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    }

    /**
     * The module of {@code className} with {@code methods}, compiled once per process on first use and kept for
     * its life; a module that fails to compile is not kept, and the next call fails again.
     */
    static PtSymbolBlock shared(String className, String methods) {
        return Process.MODULES.computeIfAbsent(className + "\n" + methods,
                source -> load(Process.MANAGER, className, methods));
    }

    /**
     * {@code module.forward(inputs)} with autograd (the call is made in training mode, so gradients flow through
     * it), the result in the first input's manager. DJL passes a named array whose name has a dot ("norm1.weight",
     * as loaded weights are named) as a dictionary entry rather than a positional tensor, so a named input goes as
     * an unnamed view (no copy; gradients flow through it), closed after the call.
     */
    static NDArray call(PtSymbolBlock module, NDArray... inputs) {
        NDList arguments = new NDList(inputs.length);
        NDList views = new NDList();
        for (NDArray input : inputs) {
            if (input.getName() == null || input.getName().isEmpty()) {
                arguments.add(input);
            } else {
                NDArray view = input.reshape(input.getShape());
                views.add(view);
                arguments.add(view);
            }
        }
        try {
            NDArray result = IValueUtils.forward(module, arguments, true).singletonOrThrow();
            result.attach(inputs[0].getManager());
            return result;
        } finally {
            views.close();
        }
    }

    /**
     * Compiles the class {@code className} whose methods are {@code methods} (TorchScript source indented by two
     * spaces, {@code self: __torch__.<className>}) and loads it into {@code manager}.
     */
    static PtSymbolBlock load(NDManager manager, String className, String methods) {
        try {
            Path file = Files.createTempFile(className, ".pt");
            try {
                Files.write(file, archive(className, methods));
                return JniUtils.loadModule((PtNDManager) manager, file, true, new String[0], new String[0], false);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TorchScript module " + className, e);
        }
    }

    /** The TorchScript archive: a zip of stored entries under one folder. */
    static byte[] archive(String className, String methods) throws IOException {
        String source = String.join("\n",
                "class " + className + "(Module):",
                "  __parameters__ = []",
                "  __buffers__ = []",
                "  training : bool",
                methods);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", modulePickle(className));
        entries.put("code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
        // no constants: an empty tuple (pickle protocol 2: PROTO 2, EMPTY_TUPLE, STOP)
        entries.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String folder = className.toLowerCase(java.util.Locale.ROOT);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(folder + "/" + e.getKey());
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
     * The module object as TorchScript pickles it (protocol 2): an instance of {@code __torch__.<className>}
     * built from the state dict {@code {"training": False}}.
     */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        writeAscii(p, "c__torch__\n" + className + "\n");
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
