package io.recaption.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where an inversion's caption came from: the person who asked ({@code user}) or a captioning model that
 * described the photo first ({@code model}). Manifests and events carry it as its lower-case label, so that
 * whoever edits the caption later knows whether a person ever read it.
 */
public enum CaptionSource {
    USER,
    MODEL;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** By label ({@code user}, {@code model}); anything else is refused here rather than read as a default. */
    @JsonCreator
    public static CaptionSource parse(String label) {
        for (CaptionSource source : values()) {
            if (source.label().equals(label)) {
                return source;
            }
        }
        throw new IllegalArgumentException("a caption source is user or model, got " + label);
    }
}
