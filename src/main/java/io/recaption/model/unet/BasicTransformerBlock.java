package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.weights.WeightMap;
import java.util.List;

/**
 * diffusers' {@code BasicTransformerBlock} with {@code norm_type="layer_norm"}: pre-norm self-attention
 * ({@code norm1}, {@code attn1}), cross-attention to the text ({@code norm2}, {@code attn2}) and a GEGLU
 * feed-forward ({@code norm3}, {@code ff}), each added back to the residual stream.
 */
public final class BasicTransformerBlock {

    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    BasicTransformerBlock(WeightMap weights, Transformer2DModel.Spec spec) {
        long dim = spec.channels();
        double eps = UNet2DConditionConfig.TRANSFORMER_LAYER_NORM_EPS;
        this.norm1 = new LayerNorm(weights.child("norm1"), dim, eps);
        this.attn1 = new Attention(weights.child("attn1"),
                new Attention.Spec(dim, dim, spec.heads(), spec.place(), false));
        this.norm2 = new LayerNorm(weights.child("norm2"), dim, eps);
        this.attn2 = new Attention(weights.child("attn2"),
                new Attention.Spec(dim, spec.crossAttentionDim(), spec.heads(), spec.place(), true));
        this.norm3 = new LayerNorm(weights.child("norm3"), dim, eps);
        this.ff = new FeedForward(weights.child("ff"), dim, dim * UNet2DConditionConfig.FEED_FORWARD_MULT);
    }

    /** hidden [B, H·W, dim], context [B, Nk, crossDim] → [B, H·W, dim] */
    public NDArray forward(NDArray hidden, NDArray context, int height, int width) {
        NDArray x = hidden.add(attn1.forward(norm1.forward(hidden), null, height, width));
        x = x.add(attn2.forward(norm2.forward(x), context, height, width));
        return x.add(ff.forward(norm3.forward(x)));
    }

    List<Attention> attentionLayers() {
        return List.of(attn1, attn2);
    }
}
