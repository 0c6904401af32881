package io.recaption.model.blip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Which captioner made a caption, for a manifest: the snapshot folder's name and a SHA-256 over
 * the files that decide its behaviour besides the weights — the model, generation, preprocessor
 * and tokenizer configs and the vocabulary — each as its name and bytes, in a fixed order.
 * Weights are not hashed (gigabytes, read on every load); a re-trained model in the same folder
 * with identical configs keeps its identity, which is why the folder name is part of it.
 */
public record BlipModelIdentity(String name, String configSha256) {

    static final List<String> FILES = List.of(BlipConfig.FILE, GenerationSettings.FILE,
            BlipImageProcessorConfig.PREPROCESSOR_FILE, BlipImageProcessorConfig.PROCESSOR_FILE,
            BertTokenizerConfig.CONFIG_FILE, BertTokenizerConfig.SPECIAL_TOKENS_FILE, BertTokenizerConfig.ADDED_TOKENS_FILE,
            BlipTokenizer.TOKENIZER_JSON, BlipTokenizer.VOCAB_TXT);

    public static BlipModelIdentity of(Path snapshotDir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String name : FILES) {
                Path file = snapshotDir.resolve(name);
                if (Files.isRegularFile(file)) {
                    sha.update(name.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                    byte[] bytes = Files.readAllBytes(file);
                    sha.update(Long.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                    sha.update(bytes);
                }
            }
            Path folder = snapshotDir.toAbsolutePath().normalize().getFileName();
            return new BlipModelIdentity(folder == null ? "" : folder.toString(), HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model folder " + snapshotDir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@code name@sha256:first 12 hex digits}, short enough for a log line. */
    @Override
    public String toString() {
        return name + "@sha256:" + configSha256.substring(0, 12);
    }
}
