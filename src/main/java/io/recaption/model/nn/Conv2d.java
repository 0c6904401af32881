package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.recaption.model.weights.WeightMap;

/**
 * {@code torch.nn.Conv2d} with square kernel, stride and padding: keys {@code weight}, {@code bias}.
 *
 * <p>A libtorch workaround: on this project's CI machines (AMD EPYC with AVX-512), libtorch 2.7.1's CPU
 * convolution computes a wrong gradient with respect to the input for kernels larger than 1×1 whose
 * output channel count is not a multiple of 16 — relative error 0.35–0.95, NaN for 12 channels — while its
 * forward pass and its weight gradient are right. The UNet's {@code conv_out} (→ 4 latent channels) is such a
 * layer, so the gradient to the text context, and with it null-text optimization, was garbage. When a gradient
 * may flow (autograd recording), such a layer runs with its output channels padded by zero filters to the next
 * multiple of 16 and the padding sliced off: the same numbers, through a kernel whose backward is right.
 * {@code ConvolutionGradientTest} fails without it on an affected machine.
 *
 * <p>The same kernels are wrong in bfloat16 in the forward pass too (relative error 0.07–0.38 for 3, 4 and 8
 * output channels, right from 16 on; measured on this machine, {@code HalfPrecisionConformanceTest}): in a
 * bfloat16 model such a layer (the VAE's {@code conv_out} and {@code quant_conv} side, the UNet's
 * {@code conv_out}) always runs padded.
 */
public final class Conv2d {

    /** Output channel counts that are multiples of this get a correct input gradient from libtorch. */
    static final int SAFE_OUTPUT_CHANNELS = 16;

    private final NDArray weight;
    private final NDArray bias;
    private volatile NDArray[] padded;
    private final Shape stride;
    private final Shape padding;
    private static final Shape NO_DILATION = new Shape(1, 1);

    /** The layer's geometry; a record so that call sites name each number. */
    public record Spec(long inChannels, long outChannels, int kernel, int stride, int padding) {
        public static Spec of(long inChannels, long outChannels, int kernel) {
            return new Spec(inChannels, outChannels, kernel, 1, kernel / 2);
        }

        public Spec strided(int newStride, int newPadding) {
            return new Spec(inChannels, outChannels, kernel, newStride, newPadding);
        }
    }

    public Conv2d(WeightMap weights, Spec spec) {
        this.weight = weights.take("weight", spec.outChannels(), spec.inChannels(), spec.kernel(), spec.kernel());
        this.bias = weights.take("bias", spec.outChannels());
        this.stride = new Shape(spec.stride(), spec.stride());
        this.padding = new Shape(spec.padding(), spec.padding());
    }

    /** [B, in, H, W] → [B, out, H', W'] */
    public NDArray forward(NDArray x) {
        long out = weight.getShape().get(0);
        // autograd's grad mode, not the input's requires-grad flag: DJL reports false for intermediates that
        // gradients do flow through
        if ((JniUtils.isGradMode() || Precision.of(weight) == Precision.BFLOAT16) && needsPadding(weight.getShape())) {
            // a trained weight is padded afresh on every call, so that its gradient flows and updates show
            NDArray[] wide = weight.hasGradient() ? pad(x.getManager()) : paddedWeights();
            // [B, out rounded up to 16, H', W'] → the first out channels
            return ai.djl.nn.convolutional.Conv2d.conv2d(x, wide[0], wide[1], stride, padding, NO_DILATION, 1)
                    .singletonOrThrow().get(":, :" + out);
        }
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding, NO_DILATION, 1)
                .singletonOrThrow();
    }

    /** Whether a [out, in, k, k] kernel is one whose input gradient libtorch gets wrong (see the class comment). */
    static boolean needsPadding(Shape kernel) {
        return kernel.get(2) * kernel.get(3) > 1 && kernel.get(0) % SAFE_OUTPUT_CHANNELS != 0;
    }

    /** The weight [out′, in, k, k] and bias [out′] with zero filters up to out′ = out rounded up to 16; made once. */
    private NDArray[] paddedWeights() {
        NDArray[] wide = padded;
        if (wide == null) {
            synchronized (this) {
                wide = padded;
                if (wide == null) {
                    wide = pad(weight.getManager());
                    padded = wide;
                }
            }
        }
        return wide;
    }

    /** The padded weight and bias, made in {@code manager}. */
    private NDArray[] pad(NDManager manager) {
        Shape shape = weight.getShape();
        long extra = SAFE_OUTPUT_CHANNELS - shape.get(0) % SAFE_OUTPUT_CHANNELS;
        // made float32 and cast: DJL cannot make a bfloat16 array (see Precision)
        Precision precision = Precision.of(weight);
        NDArray zeros = precision.cast(manager.zeros(new Shape(extra, shape.get(1), shape.get(2), shape.get(3))));
        NDArray zeroBias = precision.cast(manager.zeros(new Shape(extra)));
        NDArray[] wide = {weight.concat(zeros, 0), bias.concat(zeroBias, 0)};
        wide[0].attach(manager);
        wide[1].attach(manager);
        zeros.close();
        zeroBias.close();
        return wide;
    }
}
