package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code added_cond_kwargs} for an SDXL UNet ({@code addition_embed_type: "text_time"}): the pooled text
 * embedding [B, pooled] and the six time ids per image [B, 6] (original size, crop corner, target size), float32.
 */
public record AddedConditions(NDArray textEmbeds, NDArray timeIds) {

    public AddedConditions {
        if (textEmbeds == null || timeIds == null) {
            throw new IllegalArgumentException("added conditions need both the pooled text embedding and the time ids");
        }
    }
}
