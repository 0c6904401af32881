package io.recaption.model.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.recaption.Fixtures;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * libtorch's native {@code group_norm} (and group norm + SiLU) through the TorchScript seam against the
 * layer-norm emulation it replaced: values, and the gradients to the input and to the affine weights that
 * null-text optimization and training need.
 */
@Tag("unit")
class GroupNormTest {

    @Test
    void nativeGroupNormMatchesTheEmulationAndItsGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightMap weights = WeightMap.generating("norm", manager, new RandomWeights(3));
            GroupNorm norm = new GroupNorm(weights, 8, 64, 1e-6);
            assertTrue(norm.isNative(), "libtorch's group_norm loaded through the TorchScript seam");
            manager.getEngine().setRandomSeed(11);
            // an offset and a scale per channel, so that the statistics matter
            NDArray x = manager.randomNormal(new Shape(2, 64, 12, 10)).mul(3).add(1.5f);
            NDArray r = manager.randomNormal(new Shape(2, 64, 12, 10));

            Fixtures.assertMaxAbs("group norm", norm.emulated(x), norm.forward(x), 1e-5);
            Fixtures.assertMaxAbs("group norm + SiLU", Activations.silu(norm.emulated(x)), norm.forwardSilu(x), 1e-5);

            NDArray[] emulated = gradients(x, r, norm, in -> Activations.silu(norm.emulated(in)));
            NDArray[] fused = gradients(x, r, norm, norm::forwardSilu);
            String[] names = {"input", "weight", "bias"};
            for (int i = 0; i < 3; i++) {
                Fixtures.assertRelativeL2("group norm + SiLU, gradient to the " + names[i], emulated[i], fused[i], 1e-5);
                assertTrue(fused[i].abs().sum().getFloat() > 0, "a gradient flows to the " + names[i]);
            }
        }
    }

    /** The gradients of sum(layer(x)·r) to x, the weight and the bias. */
    private static NDArray[] gradients(NDArray x, NDArray r, GroupNorm norm, UnaryOperator<NDArray> layer) {
        NDArray input = x.duplicate();
        input.setRequiresGradient(true);
        NDArray[] affine = norm.affine();
        for (NDArray a : affine) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(layer.apply(input).mul(r).sum());
        }
        NDArray[] out = {input.getGradient().duplicate(), affine[0].getGradient().duplicate(),
                affine[1].getGradient().duplicate()};
        for (NDArray a : affine) {
            a.getGradient().muli(0); // libtorch accumulates into a leaf's gradient: the next call starts from zero
            a.setRequiresGradient(false);
        }
        return out;
    }
}
