package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/** transformers' {@code BlipTextEncoder}: {@code num_hidden_layers} decoder layers under {@code layer.N}. */
final class BlipTextEncoder {

    private final List<BlipTextLayer> layers;

    BlipTextEncoder(WeightMap weights, BlipTextConfig config) {
        List<BlipTextLayer> built = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            built.add(new BlipTextLayer(weights.child("layer", i), config, i));
        }
        this.layers = List.copyOf(built);
    }

    int size() {
        return layers.size();
    }

    /** text [B, S, D] at positions T…T+S−1 (T = the cache's length, 0 without one), image [B, N, E] → [B, S, D] */
    NDArray forward(NDArray hidden, NDArray imageStates, DecoderCache cache) {
        long past = cache == null ? 0 : cache.length();
        int length = Math.toIntExact(hidden.getShape().get(1));
        NDArray mask = length == 1 ? null : causalMask(hidden.getManager(), length, Math.toIntExact(past));
        NDArray out = hidden;
        for (BlipTextLayer layer : layers) {
            out = layer.forward(out, imageStates, mask, cache);
        }
        if (cache != null) {
            cache.advance(length);
        }
        return out;
    }

    /**
     * The additive causal mask [S, T+S] of transformers' {@code create_causal_mask}: new position i
     * (absolute T+i) sees keys 0…T+i, and −∞ hides the later ones. Every row keeps its diagonal, so no
     * softmax row is all −∞. One new token (S = 1) may see everything and needs no mask.
     */
    static NDArray causalMask(NDManager manager, int length, int past) {
        int keys = past + length;
        float[] mask = new float[length * keys];
        for (int query = 0; query < length; query++) {
            for (int key = past + query + 1; key < keys; key++) {
                mask[query * keys + key] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(length, keys));
    }
}
