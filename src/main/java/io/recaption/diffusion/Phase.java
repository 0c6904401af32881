package io.recaption.diffusion;

/**
 * The engine's long phases, as progress reports them. An enum so that a consumer weighting phases (the
 * worker's progress) names each one by a constant and a renamed phase is a compile error, not a phase that
 * silently stops counting.
 */
public enum Phase {
    /** DDIM inversion at guidance 1: z0 → zT, one UNet pass per step. */
    DDIM_INVERSION("ddim-inversion"),
    /** Null-text optimization per step (Mokady et al., Algorithm 1). */
    NULL_TEXT("null-text"),
    /** One null embedding for all steps (the global variant). */
    GLOBAL_NULL_TEXT("global-null-text"),
    /** Direct inversion's per-step latent offsets. */
    DIRECT_OFFSETS("direct-offsets"),
    /** Guided sampling (reconstruction or an edit). */
    SAMPLING("sampling");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    /** The phase's name in logs and on the terminal. */
    public String label() {
        return label;
    }
}
