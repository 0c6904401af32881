package io.recaption.model.unet;

import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code Transformer2DModel} on a continuous feature map: group norm, {@code proj_in} to tokens,
 * {@code transformer_blocks}, {@code proj_out} back to a map, plus the input as residual. The projections
 * are 1×1 convolutions (SD 1.x) or, with {@code use_linear_projection} (SD 2.x), linear layers applied
 * after the map is flattened to tokens.
 */
public final class Transformer2DModel {

    /**
     * One attention block's geometry.
     *
     * @param channels in = inner = out channels (heads × head width)
     * @param layers number of {@link BasicTransformerBlock}s ({@code transformer_layers_per_block})
     */
    public record Spec(long channels, int heads, int layers, long crossAttentionDim, int groups,
                       boolean linearProjection, AttentionSite.Place place) {}

    private final GroupNorm norm;
    private final Conv2d projInConv;
    private final Linear projInLinear;
    private final List<BasicTransformerBlock> transformerBlocks = new ArrayList<>();
    private final Conv2d projOutConv;
    private final Linear projOutLinear;

    Transformer2DModel(WeightMap weights, Spec spec) {
        long c = spec.channels();
        this.norm = new GroupNorm(weights.child("norm"), spec.groups(), c,
                UNet2DConditionConfig.TRANSFORMER_GROUP_NORM_EPS);
        boolean linear = spec.linearProjection();
        this.projInConv = linear ? null : new Conv2d(weights.child("proj_in"), Conv2d.Spec.of(c, c, 1));
        this.projInLinear = linear ? new Linear(weights.child("proj_in"), c, c, true) : null;
        for (int i = 0; i < spec.layers(); i++) {
            transformerBlocks.add(new BasicTransformerBlock(weights.child("transformer_blocks", i), spec));
        }
        this.projOutConv = linear ? null : new Conv2d(weights.child("proj_out"), Conv2d.Spec.of(c, c, 1));
        this.projOutLinear = linear ? new Linear(weights.child("proj_out"), c, c, true) : null;
    }

    /** hidden [B, C, H, W], context [B, Nk, crossDim] → [B, C, H, W] */
    public NDArray forward(NDArray hidden, NDArray context) {
        try (Scope scope = Scope.below(hidden)) {
            NDArray residual = scope.enter(hidden);
            Shape shape = residual.getShape();
            long batch = shape.get(0);
            long channels = shape.get(1);
            int height = (int) shape.get(2);
            int width = (int) shape.get(3);
            NDArray normed = norm.forward(residual);
            NDArray tokens = projInLinear != null
                    ? projInLinear.forward(toTokens(normed))
                    : toTokens(projInConv.forward(normed));
            for (BasicTransformerBlock block : transformerBlocks) {
                tokens = block.forward(tokens, context, height, width);
            }
            NDArray out = projOutLinear != null
                    ? toMap(projOutLinear.forward(tokens), batch, height, width, channels)
                    : projOutConv.forward(toMap(tokens, batch, height, width, channels));
            return scope.exit(out.add(residual));
        }
    }

    /** [B, C, H, W] → [B, H·W, C] */
    private static NDArray toTokens(NDArray map) {
        Shape s = map.getShape();
        return map.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1));
    }

    /** [B, H·W, C] → [B, C, H, W] */
    private static NDArray toMap(NDArray tokens, long batch, int height, int width, long channels) {
        return tokens.reshape(batch, height, width, channels).transpose(0, 3, 1, 2);
    }

    List<Attention> attentionLayers() {
        List<Attention> out = new ArrayList<>();
        for (BasicTransformerBlock block : transformerBlocks) {
            out.addAll(block.attentionLayers());
        }
        return out;
    }
}
