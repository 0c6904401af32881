package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.weights.WeightMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code torch.nn.GroupNorm} with affine weights: keys {@code weight}, {@code bias} [C].
 *
 * <p>DJL has no group-norm op. Group norm over [B, C, H, W] with G groups is exactly layer norm
 * over each row of the [B, G, C/G·H·W] view (same mean, same biased variance, same eps), followed
 * by the per-channel affine; libtorch's fused layer-norm kernel does the statistics in one pass.
 * Layer norm needs a unit scale and zero shift of the row's size; they are cached per size.
 */
public final class GroupNorm {

    private final NDArray weight;
    private final NDArray bias;
    private final int groups;
    private final float eps;
    private final NDManager constants;
    private final Map<Long, NDArray[]> identityAffine = new ConcurrentHashMap<>();

    public GroupNorm(WeightMap weights, int groups, long channels, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm " + weights.prefix() + ": " + channels
                    + " channels do not split into " + groups + " groups");
        }
        this.weight = weights.take("weight", channels).reshape(channels, 1, 1);
        this.bias = weights.take("bias", channels).reshape(channels, 1, 1);
        this.groups = groups;
        this.eps = (float) eps;
        this.constants = weights.manager();
    }

    /** [B, C, H, W] → [B, C, H, W] */
    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        long row = shape.size() / (shape.get(0) * groups);
        NDArray[] affine = identityAffine.computeIfAbsent(row,
                n -> new NDArray[] {constants.ones(new Shape(n)), constants.zeros(new Shape(n))});
        NDArray grouped = x.reshape(shape.get(0), groups, row);
        NDArray normalized = ai.djl.nn.norm.LayerNorm.layerNorm(grouped, new Shape(row), affine[0], affine[1], eps)
                .singletonOrThrow()
                .reshape(shape);
        return normalized.mul(weight).add(bias);
    }
}
