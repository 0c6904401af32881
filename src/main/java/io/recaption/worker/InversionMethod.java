package io.recaption.worker;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How an image is inverted (DESIGN §4); the wire names are the {@code options.method} values. */
public enum InversionMethod {
    /** Null-text optimization, one null embedding per step (Mokady et al., Algorithm 1). */
    NULL_TEXT("null-text"),
    /** Null-text optimization, one null embedding for all steps (Algorithm 2). */
    NULL_TEXT_GLOBAL("null-text-global"),
    /** Negative-prompt inversion: the null embedding is the caption's, no optimization. */
    NEGATIVE_PROMPT("negative-prompt"),
    /** Direct inversion: stored per-step offsets added back to the source branch. */
    DIRECT("direct");

    private final String wireName;

    InversionMethod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<InversionMethod> byWireName(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(InversionMethod::wireName).collect(Collectors.joining(", "));
    }
}
