package io.recaption.editing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * How the edited image's cross-attention maps are made from the source's (Prompt-to-Prompt §3.2):
 * Replace and Refine read the source maps through a token mapper, written here as a [L, L] matrix
 * (for Refine a one-hot column per edited token, which selects exactly); Reweight scales chosen
 * tokens' maps, after either of them or on the source maps alone.
 */
public final class CrossAttentionEdit {

    private final NDArray mapper;
    private final NDArray alphas;
    private final NDArray oneMinusAlphas;
    private final NDArray equalizer;

    private CrossAttentionEdit(NDArray mapper, NDArray alphas, NDArray equalizer) {
        this.mapper = mapper;
        this.alphas = alphas;
        this.oneMinusAlphas = alphas == null ? null : alphas.neg().add(1f);
        this.equalizer = equalizer;
    }

    /** Word swap: edited maps = source maps · M, M [L, L] from {@link TokenAlignment#replacement}. */
    public static CrossAttentionEdit replace(NDManager manager, float[][] matrix, float[] equalizer) {
        return new CrossAttentionEdit(matrix(manager, matrix), null, vector(manager, equalizer));
    }

    /** Added words: aligned tokens read their source token's map (alpha 1), new tokens keep their own. */
    public static CrossAttentionEdit refine(NDManager manager, TokenAlignment.Refinement refinement, float[] equalizer) {
        int length = refinement.mapper().length;
        float[][] oneHot = new float[length][length];
        for (int p = 0; p < length; p++) {
            oneHot[refinement.mapper()[p]][p] = 1f;
        }
        return new CrossAttentionEdit(matrix(manager, oneHot), vector(manager, refinement.alphas()),
                vector(manager, equalizer));
    }

    /** Emphasis alone: the source maps with chosen tokens scaled. */
    public static CrossAttentionEdit reweight(NDManager manager, float[] equalizer) {
        return new CrossAttentionEdit(null, null, vector(manager, equalizer));
    }

    /** source [h, Nq, L], edited [k, h, Nq, L] → the edited images' new maps [k, h, Nq, L]. */
    public NDArray apply(NDArray source, NDArray edited) {
        long k = edited.getShape().get(0);
        NDArray base = source.expandDims(0).repeat(0, k);
        NDArray out = base;
        if (mapper != null) {
            out = base.matMul(mapper);
            if (alphas != null) {
                out = out.mul(alphas).add(edited.mul(oneMinusAlphas));
            }
        }
        if (equalizer != null) {
            out = out.mul(equalizer);
        }
        return out;
    }

    private static NDArray matrix(NDManager manager, float[][] values) {
        int rows = values.length;
        int columns = values[0].length;
        float[] flat = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values[r], 0, flat, r * columns, columns);
        }
        return manager.create(flat, new Shape(rows, columns));
    }

    private static NDArray vector(NDManager manager, float[] values) {
        return values == null ? null : manager.create(values);
    }
}
