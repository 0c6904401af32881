package io.recaption.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.recaption.Fixtures;
import io.recaption.model.weights.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Conformance of the UNet with diffusers' outputs and input gradients on the tiny SD-shaped models. */
@Tag("conformance")
class UNet2DConditionModelTest extends TinySdUnetTest {

    @ParameterizedTest
    @ValueSource(ints = {981, 501, 1})
    void matchesDiffusers(int timestep) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = unet.forward(input("unet.sample", scope), timestep, input("unet.encoder_hidden_states", scope));
            Fixtures.assertMaxAbs("unet.out_t" + timestep, cases.get("unet.out_t" + timestep), out, 1e-4);
        }
    }

    @Test
    void gradientToTheContextMatchesDiffusers() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray sample = input("unet.sample", scope);
            NDArray context = input("unet.encoder_hidden_states", scope);
            NDArray gradient;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                context.setRequiresGradient(true);
                NDArray loss = unet.forward(sample, 501, context).mul(cases.get("unet.grad_weights")).sum();
                collector.backward(loss);
                gradient = context.getGradient();
            }
            Fixtures.assertRelativeL2("unet.grad_context_t501", cases.get("unet.grad_context_t501"), gradient, 1e-3);
        }
        assertNoWeightRequiresGradient();
    }

    @Test
    void weightsDoNotRequireGradients() {
        assertNoWeightRequiresGradient();
    }

    private void assertNoWeightRequiresGradient() {
        List<NDArray> weights = unet.manager().getManagedArrays();
        assertFalse(weights.isEmpty(), "the model's manager holds its weights");
        for (NDArray weight : weights) {
            assertFalse(weight.hasGradient(), weight.getName() + " requires a gradient");
        }
    }

    @Test
    void linearProjectionUnetMatchesDiffusers() {
        try (NDManager scope = manager.newSubManager();
                UNet2DConditionModel linear = UNet2DConditionModel.load(Snapshot.open(Fixtures.linearProjectionUnet()), manager)) {
            assertTrue(linear.config().useLinearProjection());
            // per-block attention_head_dim [2, 4] is the number of heads per block, as in diffusers: one
            // transformer in down block 0, one in the mid block (the last entry), two in up block 1 (the first)
            assertEquals(List.of(2, 2, 4, 4, 2, 2, 2, 2),
                    linear.attentionLayers().stream().map(Attention::heads).toList());
            NDArray out = linear.forward(input("unet_linear.sample", scope), 301, input("unet.encoder_hidden_states", scope));
            Fixtures.assertMaxAbs("unet_linear.out_t301", cases.get("unet_linear.out_t301"), out, 1e-4);
        }
    }

    @Test
    void configReadsTheHeadCountFromAttentionHeadDim() {
        UNet2DConditionConfig config = unet.config();
        assertEquals(32, config.sampleSize());
        assertEquals(List.of(4, 4, 4, 4), config.attentionHeads());
        assertEquals(UNet2DConditionConfig.MID_BLOCK, config.midBlockType());
        assertEquals(4 * 32, config.timeEmbedDim());
    }

    @Test
    void forwardLeavesOnlyItsResultInTheCallersManager() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray sample = input("unet.sample", scope);
            NDArray context = input("unet.encoder_hidden_states", scope);
            int before = scope.getManagedArrays().size();
            unet.forward(sample, 501, context);
            assertEquals(before + 1, scope.getManagedArrays().size());
        }
    }
}
