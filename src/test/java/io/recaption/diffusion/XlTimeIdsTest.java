package io.recaption.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class XlTimeIdsTest {

    /**
     * Values worked by hand with diffusers' training script's arithmetic: torchvision resizes 480 × 640 (h × w) to
     * 1024 × int(1024 · 640 / 480) = 1365, and int(round(341 / 2)) = 170 (half to even).
     */
    @Test
    void aLandscapePhotoIsCutFromItsMiddle() {
        assertEquals(new XlTimeIds(480, 640, 0, 170, 1024, 1024), XlTimeIds.centreCrop(480, 640, 1024));
        // portrait 1000 × 600 → 1706 × 1024: round(682 / 2) = 341 from the top
        assertEquals(new XlTimeIds(1000, 600, 341, 0, 1024, 1024), XlTimeIds.centreCrop(1000, 600, 1024));
        assertEquals(XlTimeIds.uncropped(128, 128), XlTimeIds.centreCrop(128, 128, 128));
        assertEquals(new XlTimeIds(64, 64, 0, 0, 1024, 1024), XlTimeIds.centreCrop(64, 64, 1024), "upscaled, uncut");
    }

    @Test
    void impossibleSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new XlTimeIds(0, 10, 0, 0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new XlTimeIds(10, 10, -1, 0, 10, 10));
    }
}
