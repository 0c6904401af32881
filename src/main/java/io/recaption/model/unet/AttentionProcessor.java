package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;

/**
 * The seam of every UNet attention layer: given projected, head-split query, key and value, return
 * the attended values. The default is plain scaled dot-product attention; Prompt-to-Prompt
 * controllers replace it per layer to read and rewrite the attention probabilities.
 */
@FunctionalInterface
public interface AttentionProcessor {

    /**
     * query [B, heads, Nq, dh], key and value [B, heads, Nk, dh] → [B, heads, Nq, dh].
     *
     * @param scale the logit scale, dh^-1/2
     */
    NDArray attend(AttentionSite site, NDArray query, NDArray key, NDArray value, float scale);

    /** softmax(q·kᵀ·scale) over the keys: [B, heads, Nq, Nk]. */
    static NDArray probabilities(NDArray query, NDArray key, float scale) {
        return query.matMul(key.transpose(0, 1, 3, 2)).mul(scale).softmax(-1);
    }

    /** Plain attention, as diffusers' {@code AttnProcessor}. */
    AttentionProcessor DEFAULT = (site, query, key, value, scale) ->
            probabilities(query, key, scale).matMul(value);
}
