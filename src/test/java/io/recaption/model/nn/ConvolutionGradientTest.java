package io.recaption.model.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.recaption.Fixtures;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.WeightMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv2d}'s gradient to its input is right for every output channel count, against the same
 * convolution in float64 (a different libtorch kernel). On the machines where libtorch 2.7.1's float32
 * convolution gets it wrong for k×k kernels with a channel count that is not a multiple of 16 (see Conv2d),
 * this fails without the workaround: the unpadded case below shows whether this machine is one of them.
 */
@Tag("unit")
class ConvolutionGradientTest {

    @Test
    void inputGradientMatchesFloat64ForEveryOutputChannelCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int out : new int[] {1, 3, 4, 8, 12, 16, 24}) {
                WeightMap weights = WeightMap.generating("conv", manager, new RandomWeights(out));
                Conv2d conv = new Conv2d(weights, Conv2d.Spec.of(32, out, 3));
                manager.getEngine().setRandomSeed(out);
                NDArray x = manager.randomNormal(new Shape(2, 32, 16, 16));
                NDArray r = manager.randomNormal(new Shape(2, out, 16, 16));

                NDArray ours = inputGradient(x, r, conv::forward);
                // the same seed makes the same tensors: the layer's own weight and bias
                WeightMap same = WeightMap.generating("conv", manager, new RandomWeights(out));
                NDArray w64 = same.take("weight", out, 32, 3, 3).toType(DataType.FLOAT64, false);
                NDArray b64 = same.take("bias", out).toType(DataType.FLOAT64, false);
                NDArray exact = inputGradient(x.toType(DataType.FLOAT64, false), r.toType(DataType.FLOAT64, false),
                        in -> plain(in, w64, b64)).toType(DataType.FLOAT32, false);
                NDArray unpadded = inputGradient(x, r, in -> plain(in, w64.toType(DataType.FLOAT32, false),
                        b64.toType(DataType.FLOAT32, false)));
                System.out.printf("  %2d output channels: libtorch's own float32 input gradient relative L2 %.2e%n",
                        out, Fixtures.relativeL2(exact, unpadded));
                Fixtures.assertRelativeL2("Conv2d input gradient, " + out + " output channels", exact, ours, 1e-5);
                assertTrue(ours.abs().sum().getFloat() > 0, "a gradient flows");
            }
        }
    }

    private static NDArray plain(NDArray x, NDArray weight, NDArray bias) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, new Shape(1, 1), new Shape(1, 1),
                new Shape(1, 1), 1).singletonOrThrow();
    }

    private static NDArray inputGradient(NDArray x, NDArray r, java.util.function.UnaryOperator<NDArray> layer) {
        NDArray input = x.duplicate();
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(layer.apply(input).mul(r).sum());
        }
        return input.getGradient().duplicate();
    }
}
