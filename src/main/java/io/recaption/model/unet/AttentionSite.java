package io.recaption.model.unet;

/**
 * Where an attention layer sits, handed to its {@link AttentionProcessor} on every call so that a
 * controller decides by site, never by class names or hidden counters.
 *
 * @param path the layer's checkpoint key prefix, e.g. {@code down_blocks.0.attentions.1.transformer_blocks.0.attn2}
 * @param place down, mid or up part of the UNet
 * @param cross whether this is cross-attention to the text context ({@code attn2}) or self-attention ({@code attn1})
 * @param height the query's spatial height at this call
 * @param width the query's spatial width at this call
 */
public record AttentionSite(String path, Place place, boolean cross, int height, int width) {

    public enum Place { DOWN, MID, UP }

    /** Number of query tokens, height × width. */
    public int queryTokens() {
        return height * width;
    }
}
