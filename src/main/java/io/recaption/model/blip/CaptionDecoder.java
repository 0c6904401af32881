package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Scope;

/**
 * The decoding steps of one caption: the text decoder over one image's states, with or without
 * a key/value cache. Each step runs in its own {@link Scope}, so a step frees everything it made
 * but the scores it returns (as Java arrays) and what the cache keeps.
 */
final class CaptionDecoder implements DecodingStep, AutoCloseable {

    private final BlipTextLMHeadModel decoder;
    private final NDManager manager;
    private final NDArray imageStates;
    private final DecoderCache cache;

    /**
     * @param imageStates [rows, N, E], one row per sequence decoded together (beams share an image)
     * @param manager where the steps' scopes and the cache live
     */
    CaptionDecoder(BlipTextLMHeadModel decoder, NDArray imageStates, NDManager manager, boolean useCache) {
        this.decoder = decoder;
        this.manager = manager;
        this.imageStates = imageStates;
        this.cache = useCache ? decoder.newCache(manager) : null;
    }

    @Override
    public float[][] next(long[][] rows, boolean logProbabilities) {
        int from = cache == null ? 0 : Math.toIntExact(cache.length()); // with a cache only the new tokens are fed
        int length = rows[0].length - from;
        long[] flat = new long[rows.length * length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], from, flat, r * length, length);
        }
        try (Scope scope = Scope.below(manager)) {
            NDArray ids = scope.manager().create(flat, new Shape(rows.length, length));
            NDArray logits = decoder.forward(ids, imageStates, cache, true); // [rows, 1, V]
            if (logProbabilities) {
                logits = logits.logSoftmax(-1);
            }
            float[] values = logits.toFloatArray();
            int vocabulary = values.length / rows.length;
            float[][] out = new float[rows.length][vocabulary];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(values, r * vocabulary, out[r], 0, vocabulary);
            }
            return out;
        }
    }

    @Override
    public void reorder(long[] sources) {
        if (cache != null) {
            cache.reorder(sources);
        }
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
