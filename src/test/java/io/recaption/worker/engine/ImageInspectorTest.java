package io.recaption.worker.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobFailure;
import io.recaption.worker.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The header check that keeps undecodable and oversized images away from the engine. */
@Tag("unit")
class ImageInspectorTest {

    @TempDir
    Path dir;

    @Test
    void aPhotoPassesWithItsSize() throws Exception {
        assertArrayEquals(new int[] {256, 256}, ImageInspector.check(write("photo.png", TestImages.photo()), 256 * 256));
    }

    @Test
    void oneMorePixelThanAllowedIsTooLarge() throws Exception {
        Path photo = write("photo.png", TestImages.photo());
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, assertThrows(JobFailure.class, () -> ImageInspector.check(photo, 256 * 256 - 1)).code());
    }

    @Test
    void aBombIsRejectedFromItsHeader() throws Exception {
        byte[] bomb = TestImages.decompressionBomb(30_000);
        System.out.println("decompression bomb: " + bomb.length + " bytes declaring 30000x30000 pixels");
        Path file = write("bomb.png", bomb);
        long start = System.nanoTime();
        JobFailure failure = assertThrows(JobFailure.class, () -> ImageInspector.check(file, 16_777_216));
        System.out.printf("rejected in %.1f ms: %s%n", (System.nanoTime() - start) / 1e6, failure.getMessage());
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, failure.code());
    }

    @Test
    void emptyTextAndTruncatedFilesAreNotImages() throws Exception {
        byte[] photo = TestImages.photo();
        for (byte[] bytes : new byte[][] {new byte[0], "hello".getBytes(), Arrays.copyOf(photo, 12)}) {
            Path file = write("x-" + bytes.length, bytes);
            assertEquals(ErrorCode.NOT_AN_IMAGE, assertThrows(JobFailure.class, () -> ImageInspector.check(file, 1 << 24)).code());
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }
}
