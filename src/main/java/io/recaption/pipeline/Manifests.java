package io.recaption.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import io.recaption.artifacts.InversionFiles;

/**
 * The one place manifests become JSON and back: pretty-printed, ISO-8601 instants, unknown fields ignored
 * on reading (an older or newer writer's extras), NaN written as such (a loss may be NaN).
 */
public final class Manifests {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private Manifests() {}

    public static byte[] bytes(Object manifest) {
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InversionManifest inversion(byte[] json) throws IOException {
        return JSON.readValue(json, InversionManifest.class);
    }

    public static EditManifest edit(byte[] json) throws IOException {
        return JSON.readValue(json, EditManifest.class);
    }

    /** Writes {@code manifest} as {@code dir/manifest.json}, atomically. */
    public static void write(Path dir, Object manifest) throws IOException {
        InversionFiles.writeAtomically(dir.resolve(InversionFiles.MANIFEST), bytes(manifest));
    }

    public static InversionManifest readInversion(Path dir) throws IOException {
        return inversion(java.nio.file.Files.readAllBytes(dir.resolve(InversionFiles.MANIFEST)));
    }

    public static EditManifest readEdit(Path dir) throws IOException {
        return edit(java.nio.file.Files.readAllBytes(dir.resolve(InversionFiles.MANIFEST)));
    }
}
