package io.recaption.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** libtorch's nearest upsampling by two gives exactly the repeat it replaced, and gradients flow through it. */
@Tag("unit")
class NearestUpsampleTest {

    @Test
    void equalsRepeatingEachPixelTwiceAndPassesGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(2, 3, 5, 7));
            NDArray up = NearestUpsample.twice(x);
            assertEquals(new Shape(2, 3, 10, 14), up.getShape());
            assertArrayEquals(x.repeat(2, 2).repeat(3, 2).toFloatArray(), up.toFloatArray());

            NDArray weights = manager.randomNormal(new Shape(2, 3, 10, 14));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(NearestUpsample.twice(x).mul(weights).sum());
            }
            // each input pixel feeds a 2×2 block: its gradient is the block's sum of weights
            NDArray expected = weights.reshape(2, 3, 5, 2, 7, 2).sum(new int[] {3, 5});
            assertArrayEquals(expected.toFloatArray(), x.getGradient().toFloatArray(), 1e-5f);
        }
    }
}
