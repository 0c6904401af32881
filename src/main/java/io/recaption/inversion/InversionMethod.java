package io.recaption.inversion;

import java.util.Locale;

/** How the unconditional embeddings of an inversion are obtained. */
public enum InversionMethod {
    /** Per-timestep null-text optimization, the paper's Algorithm 1 (the default). */
    NULL_TEXT("null-text"),
    /** One null-text embedding optimised for all timesteps. */
    GLOBAL_NULL_TEXT("global-null-text"),
    /** Negative-prompt inversion (Miyake et al. 2023): ∅_t := C, no optimization. */
    NEGATIVE_PROMPT("negative-prompt"),
    /** Direct inversion (Ju et al. 2023): ∅ = "", per-step offsets added back on the source branch. */
    DIRECT("direct");

    private final String label;

    InversionMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses a label such as {@code null-text} (case-insensitive; underscores and camelCase accepted). */
    public static InversionMethod parse(String text) {
        String normalized = text == null ? "" : text.trim()
                .replaceAll("([a-z])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
        for (InversionMethod method : values()) {
            if (method.label.equals(normalized)) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown inversion method '" + text
                + "' (one of null-text, global-null-text, negative-prompt, direct)");
    }

    /** Every label, for messages. */
    public static String labels() {
        return java.util.Arrays.stream(values()).map(InversionMethod::label)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label;
    }
}
