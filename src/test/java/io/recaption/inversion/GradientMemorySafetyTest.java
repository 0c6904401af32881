package io.recaption.inversion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.recaption.Fixtures;
import io.recaption.diffusion.StableDiffusion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gradient to the context survives garbage collection between the forward and the backward
 * pass. DJL's scalar ops hand libtorch Java-owned memory that autograd keeps (see Scalars); with
 * any of them left in the UNet's or the scheduler's path, collecting that memory before backward
 * turns this gradient into garbage or NaN.
 */
@Tag("unit")
class GradientMemorySafetyTest {

    @Test
    void gradientIsExactAfterCollectingBetweenForwardAndBackward() {
        try (StableDiffusion model = StableDiffusion.load(Fixtures.tinySd());
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            for (int round = 0; round < 4; round++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray context = cases.get("unet.encoder_hidden_states").duplicate();
                    context.attach(scope);
                    context.setRequiresGradient(true);
                    NDArray sample = cases.get("unet.sample").duplicate();
                    sample.attach(scope);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray out = model.unet().forward(sample, 501f, context);
                        NDArray loss = out.mul(cases.get("unet.grad_weights")).sum();
                        churnJavaMemory();
                        collector.backward(loss);
                    }
                    Fixtures.assertRelativeL2("unet.grad_context_t501 after GC #" + round,
                            cases.get("unet.grad_context_t501"), context.getGradient(), 1e-3);
                }
            }
        }
    }

    /** Frees every unreachable direct buffer and reuses the memory, as a long-running worker would. */
    private static void churnJavaMemory() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            List<ByteBuffer> fill = new ArrayList<>();
            for (int j = 0; j < 2000; j++) {
                ByteBuffer b = ByteBuffer.allocateDirect(64);
                b.putFloat(0, Float.NaN);
                fill.add(b);
            }
            fill.clear();
        }
    }
}
