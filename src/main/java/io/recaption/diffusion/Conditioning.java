package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * What a caption (or the unconditional branch) gives the UNet: the per-token context [n, L, d] and, for SDXL, the
 * pooled embedding [n, P] its added conditioning reads (null for SD 1.x/2.x).
 */
public record Conditioning(NDArray context, NDArray pooled) {

    public Conditioning {
        if (context == null) {
            throw new IllegalArgumentException("a conditioning needs its context");
        }
    }

    /** The same pooled embedding with another context: null-text's optimized ∅ keeps the branch's pooled one. */
    public Conditioning withContext(NDArray value) {
        return new Conditioning(value, pooled);
    }

    /** The same context with another pooled embedding (SDXL: the empty prompt's, repeated for a batch). */
    public Conditioning withPooled(NDArray value) {
        return new Conditioning(context, value);
    }
}
