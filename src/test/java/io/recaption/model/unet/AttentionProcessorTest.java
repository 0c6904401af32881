package io.recaption.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The attention seam: which layers call their processor, with which sites, and that a processor takes effect. */
@Tag("unit")
class AttentionProcessorTest extends TinySdUnetTest {

    /** A call as the processor saw it: the site and the query and key token counts. */
    private record Call(AttentionSite site, long queries, long keys) {}

    @AfterEach
    void reset() {
        unet.resetAttentionProcessors();
    }

    private NDArray forward(NDManager scope, int timestep) {
        return unet.forward(input("unet.sample", scope), timestep, input("unet.encoder_hidden_states", scope));
    }

    @Test
    void everyLayerCallsItsProcessorOncePerForwardWithItsSite() {
        List<Call> calls = new ArrayList<>();
        unet.setAttentionProcessor((site, query, key, value, scale) -> {
            calls.add(new Call(site, query.getShape().get(2), key.getShape().get(2)));
            return AttentionProcessor.DEFAULT.attend(site, query, key, value, scale);
        });
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = forward(scope, 501);
            // the recording processor computes plain attention, so the result is still the reference's
            Fixtures.assertMaxAbs("unet.out_t501 (recording processor)", cases.get("unet.out_t501"), out, 1e-4);
        }

        List<Attention> layers = unet.attentionLayers();
        // tiny SD: 3 cross-attention down blocks × 2 transformers, 1 in the mid block, 3 up blocks × 3; attn1 + attn2 each
        assertEquals(2 * (3 * 2 + 1 + 3 * 3), layers.size());
        assertEquals(layers.size(), calls.size(), "one call per layer per forward");
        long contextTokens = cases.get("unet.encoder_hidden_states").getShape().get(1);
        Map<String, Integer> callsPerPath = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Attention layer = layers.get(i);
            Call call = calls.get(i);
            AttentionSite site = call.site();
            callsPerPath.merge(site.path(), 1, Integer::sum);
            assertEquals(layer.path(), site.path(), "layers are listed in forward order");
            assertEquals(layer.place(), site.place(), site.path());
            assertEquals(layer.isCross(), site.cross(), site.path());
            assertEquals(site.path().endsWith("attn2"), site.cross(), site.path());
            int expected = expectedSize(site.path());
            assertEquals(expected, site.height(), site.path());
            assertEquals(expected, site.width(), site.path());
            assertEquals(site.queryTokens(), call.queries(), site.path());
            assertEquals(site.cross() ? contextTokens : call.queries(), call.keys(), site.path());
        }
        assertTrue(callsPerPath.values().stream().allMatch(n -> n == 1), callsPerPath.toString());
        assertEquals("down_blocks.0.attentions.1.transformer_blocks.0.attn2", layers.get(3).path());
        assertEquals("mid_block.attentions.0.transformer_blocks.0.attn1", layers.get(12).path());
        assertEquals(AttentionSite.Place.MID, layers.get(12).place());
        assertEquals("up_blocks.3.attentions.2.transformer_blocks.0.attn2", layers.get(layers.size() - 1).path());
    }

    /** 32² latent: down block i at 32/2^i, the mid block at 4, up block i at 4·2^i. */
    private static int expectedSize(String path) {
        String[] parts = path.split("\\.");
        return switch (parts[0]) {
            case "down_blocks" -> 32 >> Integer.parseInt(parts[1]);
            case "mid_block" -> 4;
            case "up_blocks" -> 4 << Integer.parseInt(parts[1]);
            default -> throw new AssertionError(path);
        };
    }

    @Test
    void zeroingCrossAttentionChangesTheResultAndResetRestoresIt() {
        unet.setAttentionProcessor((site, query, key, value, scale) -> site.cross()
                ? query.zerosLike()
                : AttentionProcessor.DEFAULT.attend(site, query, key, value, scale));
        try (NDManager scope = manager.newSubManager()) {
            double change = Fixtures.maxAbsDiff(cases.get("unet.out_t501"), forward(scope, 501));
            System.out.printf("zeroed cross-attention moves unet.out_t501 by %.3e (max abs)%n", change);
            assertTrue(change > 1e-3, "zeroing every cross-attention output must change the prediction: " + change);
            unet.resetAttentionProcessors();
            Fixtures.assertMaxAbs("unet.out_t501 (after reset)", cases.get("unet.out_t501"), forward(scope, 501), 1e-4);
        }
    }

    @Test
    void aProcessorInstalledOnOneLayerIsCalledOnlyThere() {
        Attention target = unet.attentionLayers().get(5);
        List<AttentionSite> sites = new ArrayList<>();
        target.setProcessor((site, query, key, value, scale) -> {
            sites.add(site);
            return AttentionProcessor.DEFAULT.attend(site, query, key, value, scale);
        });
        try (NDManager scope = manager.newSubManager()) {
            forward(scope, 981);
        }
        assertEquals(1, sites.size());
        assertEquals(target.path(), sites.get(0).path());
        unet.resetAttentionProcessors();
        assertSame(unet.defaultProcessor(), target.processor());
    }
}
