package io.recaption.model.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.recaption.Fixtures;
import io.recaption.model.unet.AttentionProcessor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The TorchScript-compiled fused kernel against plain softmax attention: values and gradients. */
@Tag("unit")
class FusedAttentionTest {

    @Test
    void fusedKernelMatchesPlainAttentionAndItsGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(7);
            NDArray q = manager.randomNormal(new Shape(2, 4, 96, 16));
            NDArray k = manager.randomNormal(new Shape(2, 4, 77, 16));
            NDArray v = manager.randomNormal(new Shape(2, 4, 77, 16));
            FusedAttention fused = FusedAttention.shared();
            float scale = (float) (1 / Math.sqrt(16));
            NDArray plain = AttentionProcessor.DEFAULT.attend(null, q, k, v, scale);
            Fixtures.assertMaxAbs("fused attention (values)", plain, fused.apply(q, k, v), 1e-5);

            NDArray[] grads = new NDArray[2];
            for (int i = 0; i < 2; i++) {
                NDArray kk = k.duplicate();
                kk.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray out = i == 0 ? AttentionProcessor.DEFAULT.attend(null, q, kk, v, scale) : fused.apply(q, kk, v);
                    collector.backward(out.mul(v.get(":, :, :1").repeat(2, 96)).sum());
                }
                grads[i] = kk.getGradient().duplicate();
            }
            Fixtures.assertRelativeL2("fused attention (key gradient)", grads[0], grads[1], 1e-5);
            assertTrue(grads[1].abs().sum().getFloat() > 0, "a gradient flows through the kernel");
        }
    }
}
