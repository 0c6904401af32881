package io.recaption.model.unet;

import io.recaption.model.nn.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * The seam of every UNet attention layer: given projected, head-split query, key and value, return
 * the attended values. The default is plain scaled dot-product attention; Prompt-to-Prompt
 * controllers replace it per layer to read and rewrite the attention probabilities.
 *
 * <p>Memory: {@code attend} runs inside its layer's own NDManager scope; the query, key, value and
 * every array derived from them are freed when the layer returns. A processor that keeps something
 * beyond the call (a stored attention map) must {@code attach} it to a manager of its own, and must
 * return a fresh array (one it does not also keep), because the result is moved to the caller.
 */
@FunctionalInterface
public interface AttentionProcessor {

    /**
     * query [B, heads, Nq, dh], key and value [B, heads, Nk, dh] → [B, heads, Nq, dh].
     *
     * @param scale the logit scale, dh^-1/2
     */
    NDArray attend(AttentionSite site, NDArray query, NDArray key, NDArray value, float scale);

    /**
     * softmax(q·kᵀ·scale) over the keys: [B, heads, Nq, Nk]. The scale is applied to the queries
     * (Nq·dh numbers) rather than to the logits (Nq·Nk numbers): the same product, one pass over the
     * largest tensor of the UNet less.
     */
    static NDArray probabilities(NDArray query, NDArray key, float scale) {
        return Scalars.mul(query, scale).matMul(key.transpose(0, 1, 3, 2)).softmax(-1);
    }

    /** Plain attention, as diffusers' {@code AttnProcessor}. */
    AttentionProcessor DEFAULT = (site, query, key, value, scale) ->
            probabilities(query, key, scale).matMul(value);
}
