package io.recaption.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.recaption.diffusion.PipelineKind;

/**
 * Which family of model made an inversion, as manifests name it: {@code stable-diffusion} (1.x/2.x) or
 * {@code stable-diffusion-xl}. Informative beside the hash, which alone decides whether an edit may use an inversion.
 */
public enum ModelFamily {
    STABLE_DIFFUSION("stable-diffusion"),
    STABLE_DIFFUSION_XL("stable-diffusion-xl");

    private final String label;

    ModelFamily(String label) {
        this.label = label;
    }

    public static ModelFamily of(PipelineKind kind) {
        return kind == PipelineKind.STABLE_DIFFUSION_XL ? STABLE_DIFFUSION_XL : STABLE_DIFFUSION;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** By label; anything else is refused rather than read as a default. */
    @JsonCreator
    public static ModelFamily parse(String label) {
        for (ModelFamily family : values()) {
            if (family.label.equals(label)) {
                return family;
            }
        }
        throw new IllegalArgumentException("a model family is stable-diffusion or stable-diffusion-xl, got " + label);
    }
}
