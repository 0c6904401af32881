package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Linear;
import io.recaption.model.nn.Scalars;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code BlipTextSelfAttention}, BERT's attention core with separate {@code query},
 * {@code key}, {@code value} Linears: softmax(QKᵀ/√d + mask)·V per head (Vaswani et al. 2017,
 * eq. 1). The same class serves both of a decoder layer's attentions:
 * <ul>
 *   <li>self-attention: keys and values from the text itself, under a causal mask, appended to
 *       the {@link DecoderCache} when one is given;</li>
 *   <li>cross-attention ({@code crossattention.self}): keys and values projected from the image
 *       states (width {@code encoder_hidden_size}), every text position seeing every image
 *       token; with a cache they are projected on the first pass only.</li>
 * </ul>
 * The output projection is not here: it is {@link BlipTextSelfOutput}.
 */
final class BlipTextSelfAttention {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final boolean crossAttention;
    private final int layer;
    private final int heads;
    private final int headDim;

    BlipTextSelfAttention(WeightMap weights, BlipTextConfig config, boolean crossAttention, int layer) {
        long dim = config.hiddenSize();
        long keyWidth = crossAttention ? config.encoderHiddenSize() : dim;
        this.query = new Linear(weights.child("query"), dim, dim, true);
        this.key = new Linear(weights.child("key"), keyWidth, dim, true);
        this.value = new Linear(weights.child("value"), keyWidth, dim, true);
        this.crossAttention = crossAttention;
        this.layer = layer;
        this.heads = config.numAttentionHeads();
        this.headDim = config.headDim();
    }

    /**
     * Self-attention: text [B, S, D] with an additive mask [S, T+S] (or {@code null} when S = 1,
     * where the one new position may see everything) → [B, S, D]; T positions come from the cache.
     * Cross-attention: text [B, S, D] and image states [B, N, E] → [B, S, D]; no mask (the image has
     * no padding: BLIP passes an all-ones image mask).
     */
    NDArray forward(NDArray hidden, NDArray imageStates, NDArray mask, DecoderCache cache) {
        NDArray q = splitHeads(query.forward(hidden)); // [B, H, S, d]
        NDArray[] keysValues = crossAttention ? crossKeysValues(hidden, imageStates, cache)
                : selfKeysValues(hidden, cache);
        // transformers divides the scores by √d after the product; the same here, for the same rounding
        NDArray scores = Scalars.div(q.matMul(keysValues[0].swapAxes(2, 3)), Math.sqrt(headDim)); // [B, H, S, T+S or N]
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray context = scores.softmax(-1).matMul(keysValues[1]); // [B, H, S, d]
        return context.transpose(0, 2, 1, 3).reshape(hidden.getShape()); // [B, S, D]
    }

    /** keys, values [B, H, T+S, d]: the cached ones with this pass's appended. */
    private NDArray[] selfKeysValues(NDArray hidden, DecoderCache cache) {
        NDArray keys = splitHeads(key.forward(hidden));
        NDArray values = splitHeads(value.forward(hidden));
        return cache == null ? new NDArray[] {keys, values} : cache.appendSelf(layer, keys, values);
    }

    /** keys, values [B, H, N, d] of the image states, projected once per cache. */
    private NDArray[] crossKeysValues(NDArray hidden, NDArray imageStates, DecoderCache cache) {
        NDArray[] cached = cache == null ? null : cache.cross(layer, hidden.getManager());
        if (cached != null) {
            return cached;
        }
        // the image states may live in a longer-lived manager: take a view here so the projections land here
        NDArray image = imageStates.reshape(imageStates.getShape());
        image.attach(hidden.getManager());
        NDArray keys = splitHeads(key.forward(image));
        NDArray values = splitHeads(value.forward(image));
        if (cache != null) {
            cache.putCross(layer, keys, values);
        }
        return new NDArray[] {keys, values};
    }

    /** [B, L, D] → [B, H, L, d] */
    private NDArray splitHeads(NDArray x) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), shape.get(1), heads, headDim).transpose(0, 2, 1, 3);
    }
}
