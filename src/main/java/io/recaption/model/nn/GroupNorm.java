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
 * <p>libtorch's native {@code group_norm} runs through the TorchScript seam ({@link NativeGroupNorm}); where it
 * cannot load, the emulation below. DJL has no group-norm op. Group norm over [B, C, H, W] with G groups is exactly layer norm
 * over each row of the [B, G, C/G·H·W] view (same mean, same biased variance, same eps), followed
 * by the per-channel affine; libtorch's fused layer-norm kernel does the statistics in one pass.
 * Layer norm needs a unit scale and zero shift of the row's size; they are cached per size.
 */
public final class GroupNorm {

    private final NDArray channelWeight;
    private final NDArray channelBias;
    private final int groups;
    private final float eps;
    private final NDManager constants;
    private final Map<Long, NDArray[]> identityAffine = new ConcurrentHashMap<>();

    public GroupNorm(WeightMap weights, int groups, long channels, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm " + weights.prefix() + ": " + channels
                    + " channels do not split into " + groups + " groups");
        }
        this.channelWeight = weights.take("weight", channels);
        this.channelBias = weights.take("bias", channels);
        this.groups = groups;
        this.eps = (float) eps;
        this.constants = weights.manager();
        this.fused = loadOrNull(groups, eps, false);
        this.fusedSilu = loadOrNull(groups, eps, true);
    }

    private final NativeGroupNorm fused;
    private final NativeGroupNorm fusedSilu;

    private static NativeGroupNorm loadOrNull(int groups, double eps, boolean silu) {
        try {
            return NativeGroupNorm.of(groups, eps, silu);
        } catch (RuntimeException | LinkageError e) {
            System.getLogger(GroupNorm.class.getName()).log(System.Logger.Level.WARNING,
                    "native group_norm unavailable, emulating it with layer norm: " + e);
            return null;
        }
    }

    /** [B, C, H, W] → [B, C, H, W] */
    public NDArray forward(NDArray x) {
        return fused != null ? fused.apply(x, channelWeight, channelBias) : emulated(x);
    }

    /** silu(group_norm(x)), the pair every diffusers resnet applies: [B, C, H, W] → [B, C, H, W] */
    public NDArray forwardSilu(NDArray x) {
        return fusedSilu != null ? fusedSilu.apply(x, channelWeight, channelBias) : Activations.silu(emulated(x));
    }

    /** Whether both native kernels loaded (else the emulation runs). */
    boolean isNative() {
        return fused != null && fusedSilu != null;
    }

    /** a [C] weight as [C, 1, 1], owned by x's scope (not the weights' manager, which must not grow) */
    private static NDArray view(NDArray channels, NDArray x) {
        NDArray view = channels.reshape(-1, 1, 1);
        view.attach(x.getManager());
        return view;
    }

    /** The affine weight and bias [C] as loaded (both paths' gradients reach them). */
    NDArray[] affine() {
        return new NDArray[] {channelWeight, channelBias};
    }

    /**
     * activation(group_norm(x)): one native kernel call when the activation is {@link Activations#SILU} (what
     * every diffusers resnet and output head applies after its norm): [B, C, H, W] → [B, C, H, W]
     */
    public NDArray forwardThen(java.util.function.UnaryOperator<NDArray> activation, NDArray x) {
        return activation == Activations.SILU ? forwardSilu(x) : activation.apply(forward(x));
    }

    /** The layer-norm emulation: [B, C, H, W] → [B, C, H, W] */
    NDArray emulated(NDArray x) {
        Shape shape = x.getShape();
        long row = shape.size() / (shape.get(0) * groups);
        NDArray[] affine = identityAffine.computeIfAbsent(row,
                n -> new NDArray[] {Precision.of(channelWeight).cast(constants.ones(new Shape(n))),
                    Precision.of(channelWeight).cast(constants.zeros(new Shape(n)))});
        NDArray grouped = x.reshape(shape.get(0), groups, row);
        NDArray normalized = ai.djl.nn.norm.LayerNorm.layerNorm(grouped, new Shape(row), affine[0], affine[1], eps)
                .singletonOrThrow()
                .reshape(shape);
        // views made per call, so that a gradient attached to the weights after loading (training) reaches them
        return normalized.mul(view(channelWeight, x)).add(view(channelBias, x));
    }
}
