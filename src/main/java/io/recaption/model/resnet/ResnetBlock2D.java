package io.recaption.model.resnet;

import io.recaption.model.nn.Scalars;
import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;

/**
 * diffusers' {@code ResnetBlock2D} with {@code time_embedding_norm="default"}: norm1, act, conv1, plus the
 * projected time embedding per channel, norm2, act, conv2, added to the input (through a 1×1
 * {@code conv_shortcut} when the channel count changes) and divided by {@code output_scale_factor}.
 */
public final class ResnetBlock2D {

    /**
     * @param tembChannels width of the time embedding; 0 for none (the VAE's resnets)
     * @param outputScaleFactor the sum is divided by it (the UNet's {@code mid_block_scale_factor} in the mid block, else 1)
     */
    public record Spec(long inChannels, long outChannels, long tembChannels, int groups, double eps,
                       double outputScaleFactor, UnaryOperator<NDArray> activation) {}

    /** conv1 and conv2 are 3×3 with padding 1, as in diffusers. */
    private static final int KERNEL = 3;

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final double outputScaleFactor;
    private final UnaryOperator<NDArray> activation;

    public ResnetBlock2D(WeightMap weights, Spec spec) {
        long in = spec.inChannels();
        long out = spec.outChannels();
        this.norm1 = new GroupNorm(weights.child("norm1"), spec.groups(), in, spec.eps());
        this.conv1 = new Conv2d(weights.child("conv1"), Conv2d.Spec.of(in, out, KERNEL));
        // the VAE's resnets have no time embedding (temb_channels=None): tembChannels 0
        this.timeEmbProj = spec.tembChannels() > 0
                ? new Linear(weights.child("time_emb_proj"), spec.tembChannels(), out, true) : null;
        this.norm2 = new GroupNorm(weights.child("norm2"), spec.groups(), out, spec.eps());
        this.conv2 = new Conv2d(weights.child("conv2"), Conv2d.Spec.of(out, out, KERNEL));
        this.convShortcut = in == out ? null : new Conv2d(weights.child("conv_shortcut"), Conv2d.Spec.of(in, out, 1));
        this.outputScaleFactor = spec.outputScaleFactor();
        this.activation = spec.activation();
    }

    /** x [B, in, H, W], temb [B, T] (null without a time embedding) → [B, out, H, W] */
    public NDArray forward(NDArray x, NDArray temb) {
        try (Scope scope = Scope.below(x)) {
            NDArray input = scope.enter(x);
            // each intermediate freed once used (Scope.consume): at most three maps of the block alive at a time
            NDArray h = Scope.consume(norm1.forwardThen(activation, input), conv1::forward);
            // temb = time_emb_proj(act(temb))[:, :, None, None], added to every pixel of its channel
            if (timeEmbProj != null) {
                NDArray time = timeEmbProj.forward(activation.apply(scope.enter(temb)));
                h = Scope.consume(h, a -> a.add(time.expandDims(2).expandDims(3)));
            }
            h = Scope.consume(Scope.consume(h, a -> norm2.forwardThen(activation, a)), conv2::forward);
            NDArray shortcut = convShortcut == null ? input : convShortcut.forward(input);
            NDArray out = Scope.consume(h, shortcut::add);
            return scope.exit(outputScaleFactor == 1.0 ? out : Scalars.div(out, outputScaleFactor));
        }
    }
}
