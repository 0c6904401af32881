package io.recaption.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import io.recaption.model.weights.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An SDXL-shaped UNet (addition_embed_type "text_time", transformer_layers_per_block (1, 1, 2), per-level heads,
 * DownBlock2D first) against diffusers' {@code UNet2DConditionModel(sample, t, encoder_hidden_states,
 * added_cond_kwargs)} on the tiny SDXL snapshot: max abs 1e-4, as SD's UNet.
 */
@Tag("conformance")
class UNetTextTimeConformanceTest {

    @Test
    void textTimeUnetMatchesDiffusers() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(Fixtures.tinySdxl()), weights);
            assertEquals(new UNet2DConditionConfig.TextTime(8, 88), unet.config().textTime());
            assertEquals(40, unet.config().textTime().pooledDim());
            Map<String, NDArray> c = Fixtures.tensors(Fixtures.referenceSdxl().resolve("sdxl-cases.safetensors"),
                    manager);
            NDArray context = c.get("sdxl.encode_prompt.0.prompt_embeds").concat(c.get("sdxl.encode_prompt.1.prompt_embeds"));
            NDArray pooled = c.get("sdxl.encode_prompt.0.pooled_prompt_embeds")
                    .concat(c.get("sdxl.encode_prompt.1.pooled_prompt_embeds"));
            AddedConditions added = new AddedConditions(pooled, c.get("sdxl.add_time_ids").repeat(0, 2));
            NDArray sample = c.get("sdxl.unet.sample");
            for (int t : new int[] {981, 301}) {
                Fixtures.assertMaxAbs("sdxl.unet.out_t" + t, c.get("sdxl.unet.out_t" + t),
                        unet.forward(sample, t, context, added), 1e-4);
            }
            // the added conditions matter: other time ids give another prediction
            NDArray otherIds = c.get("sdxl.add_time_ids").repeat(0, 2).mul(0.5f);
            double moved = Fixtures.maxAbsDiff(c.get("sdxl.unet.out_t301"),
                    unet.forward(sample, 301, context, new AddedConditions(pooled, otherIds)));
            assertTrue(moved > 1e-3, "time ids changed the prediction by " + moved);

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> unet.forward(sample, 301, context));
            assertTrue(missing.getMessage().contains("text_time"), missing.getMessage());
            assertThrows(IllegalArgumentException.class, () -> unet.forward(sample, 301, context,
                    new AddedConditions(pooled.get(":, :20"), added.timeIds())));
        }
    }

    @Test
    void anSdUnetRefusesAddedConditions() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            NDArray sample = manager.zeros(new ai.djl.ndarray.types.Shape(1, 4, 32, 32));
            NDArray context = manager.zeros(new ai.djl.ndarray.types.Shape(1, 77, 32));
            assertThrows(IllegalArgumentException.class, () -> unet.forward(sample, 1, context,
                    new AddedConditions(manager.zeros(new ai.djl.ndarray.types.Shape(1, 40)),
                            manager.zeros(new ai.djl.ndarray.types.Shape(1, 6)))));
        }
    }
}
