package io.recaption.editing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.unet.AttentionSite;
import io.recaption.model.unet.AttentionSite.Place;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which layers LocalBlend reads, and that its mask keeps the source outside the attended region. */
@Tag("unit")
class LocalBlendTest {

    private static final List<Integer> SD_LAYOUT = List.of(1, 2, 4);

    @Test
    void readsTheReferenceQuarterOnLargeLatentsAndFinerLayersOnSmallOnes() {
        assertEquals(4, LocalBlend.mapDivisor(64, 64, SD_LAYOUT), "SD 512²: the reference's 16² maps");
        assertEquals(4, LocalBlend.mapDivisor(96, 128, SD_LAYOUT));
        assertEquals(4, LocalBlend.mapDivisor(32, 32, SD_LAYOUT), "SD 256²: 8² maps");
        assertEquals(2, LocalBlend.mapDivisor(34, 44, SD_LAYOUT), "34 is not divisible by 4: 17×22 maps");
        assertEquals(2, LocalBlend.mapDivisor(16, 16, SD_LAYOUT), "the shapes model's 16² latent: 8², not 4²");
        assertEquals(1, LocalBlend.mapDivisor(8, 8, SD_LAYOUT));
        assertEquals(4, LocalBlend.mapDivisor(16, 16, List.of(4, 8)), "the finest layers there are");
        assertThrows(IllegalArgumentException.class, () -> LocalBlend.mapDivisor(18, 18, List.of(4)));
    }

    @Test
    void wantsCrossAttentionOfDownAndUpBlocksAtTheMapResolutionOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LocalBlend blend = blend(manager, 16, 0.0);
            assertTrue(blend.wants(new AttentionSite("down_blocks.1.attentions.0.attn2", Place.DOWN, true, 8, 8)));
            assertTrue(blend.wants(new AttentionSite("up_blocks.2.attentions.0.attn2", Place.UP, true, 8, 8)));
            assertFalse(blend.wants(new AttentionSite("down_blocks.1.attentions.0.attn1", Place.DOWN, false, 8, 8)));
            assertFalse(blend.wants(new AttentionSite("down_blocks.2.attentions.0.attn2", Place.DOWN, true, 4, 4)),
                    "a quarter of a 16² latent: too coarse for the 3×3 pool");
            assertFalse(blend.wants(new AttentionSite("down_blocks.0.attentions.0.attn2", Place.DOWN, true, 16, 16)),
                    "full resolution: the words' maps hardly localise there");
            assertFalse(blend.wants(new AttentionSite("mid_block.attentions.0.attn2", Place.MID, true, 8, 8)));
        }
    }

    @Test
    void blendedLatentsKeepTheSourceOutsideThePooledWordRegion() {
        int latent = 32;
        int side = 8; // a quarter of the 32² latent
        try (NDManager manager = NDManager.newBaseManager()) {
            LocalBlend blend = blend(manager, latent, 0.2);
            // the blend word (token 1) attends to map rows and columns 2..5 in both images; elsewhere to token 0
            float[] maps = new float[2 * side * side * 3];
            for (int image = 0; image < 2; image++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        boolean inside = y >= 2 && y <= 5 && x >= 2 && x <= 5;
                        int q = (image * side * side + y * side + x) * 3;
                        maps[q] = inside ? 0.1f : 0.97f;
                        maps[q + 1] = inside ? 0.9f : 0.01f;
                        maps[q + 2] = 0.02f;
                    }
                }
            }
            AttentionSite site = new AttentionSite("down_blocks.2.attentions.0.attn2", Place.DOWN, true, side, side);
            blend.record(site, manager.create(maps, new Shape(2, 1, side * side, 3)));
            NDArray source = manager.zeros(new Shape(1, 4, latent, latent));
            NDArray edited = manager.ones(new Shape(1, 4, latent, latent));
            NDArray latents = NDArrays.concat(new ai.djl.ndarray.NDList(source, edited), 0);

            NDArray early = blend.apply(0, 10, latents);
            assertEquals(4 * latent * latent, early.get(1).sum().getFloat(), 0, "before the start fraction: unchanged");

            NDArray blended = blend.apply(5, 10, latents);
            assertEquals(0, blended.get(0).sum().getFloat(), 0, "the source image stays the source");
            // 3×3 max-pool widens the 4×4 map region to map rows/columns 1..6, ×4 on the latent: rows/columns
            // 4..27, 24² latent pixels of 4 channels follow the edit
            assertEquals(4 * 24 * 24, blended.get(1).sum().getFloat(), 0, "not all ones: the mask is local");
            assertEquals(1, blended.getFloat(1, 0, 4, 27), 0);
            assertEquals(0, blended.getFloat(1, 0, 3, 10), 0);
            assertEquals(0, blended.getFloat(1, 3, 30, 30), 0);
        }
    }

    @Test
    void subtractedWordsRegionIsLeftOutOfTheMaskUnpooled() {
        int latent = 32;
        int side = 8;
        try (NDManager manager = NDManager.newBaseManager()) {
            // blend on token 1 ("background", everywhere), leave out token 2 ("circle", map rows and columns 2..5)
            float[][] blendWords = {{0, 1, 0}, {0, 1, 0}};
            float[][] subtract = {{0, 0, 1}, {0, 0, 1}};
            LocalBlend blend = new LocalBlend(manager, blendWords, subtract, latent, latent, SD_LAYOUT, 0.3, 0.0);
            float[] maps = new float[2 * side * side * 3];
            for (int image = 0; image < 2; image++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        boolean circle = y >= 2 && y <= 5 && x >= 2 && x <= 5;
                        int q = (image * side * side + y * side + x) * 3;
                        maps[q] = 0.1f;
                        maps[q + 1] = circle ? 0.3f : 0.85f;
                        maps[q + 2] = circle ? 0.6f : 0.05f;
                    }
                }
            }
            AttentionSite site = new AttentionSite("down_blocks.2.attentions.0.attn2", Place.DOWN, true, side, side);
            blend.record(site, manager.create(maps, new Shape(2, 1, side * side, 3)));
            NDArray latents = NDArrays.concat(new ai.djl.ndarray.NDList(manager.zeros(new Shape(1, 4, latent, latent)),
                    manager.ones(new Shape(1, 4, latent, latent))), 0);

            NDArray blended = blend.apply(5, 10, latents);
            // the background's pooled mask is everything; the circle's (not pooled) map rows/columns 2..5 are
            // latent rows/columns 8..23, which stay the source's: 32² − 16² latent pixels follow the edit
            assertEquals(4 * (32 * 32 - 16 * 16), blended.get(1).sum().getFloat(), 0);
            assertEquals(0, blended.getFloat(1, 0, 8, 23), 0, "inside the circle: the source");
            assertEquals(1, blended.getFloat(1, 0, 7, 23), 0, "next to it, unpooled: the edit");
            assertEquals(1, blended.getFloat(1, 2, 0, 0), 0);
        }
    }

    private static LocalBlend blend(NDManager manager, int side, double start) {
        float[][] alphas = {{0, 1, 0}, {0, 1, 0}};
        return new LocalBlend(manager, alphas, side, side, SD_LAYOUT, 0.3, start);
    }
}
