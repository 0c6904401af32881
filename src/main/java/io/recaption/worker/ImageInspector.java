package io.recaption.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Bounds an input image from its header, before anything decodes it: an empty or unreadable file is not an
 * image, and more than the configured pixels (a decompression bomb: a small PNG that declares a huge
 * canvas) is too large.
 */
public final class ImageInspector {

    private ImageInspector() {}

    /** The image's [width, height] when it is an image within {@code maxPixels}. */
    public static int[] check(Path file, long maxPixels) throws JobFailure {
        try {
            if (Files.size(file) == 0) {
                throw new JobFailure(ErrorCode.NOT_AN_IMAGE, "the image object is empty (0 bytes)");
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
                if (readers == null || !readers.hasNext()) {
                    throw new JobFailure(ErrorCode.NOT_AN_IMAGE, "the object is not an image in a format this worker reads");
                }
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    int width = reader.getWidth(0);
                    int height = reader.getHeight(0);
                    if (width <= 0 || height <= 0) {
                        throw new JobFailure(ErrorCode.NOT_AN_IMAGE, "the image declares no pixels");
                    }
                    if ((long) width * height > maxPixels) {
                        throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, "the image declares " + width + "x" + height
                                + " pixels, at most " + maxPixels + " pixels are accepted");
                    }
                    return new int[] {width, height};
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO readers throw unchecked exceptions on some corrupt headers as well
            throw new JobFailure(ErrorCode.NOT_AN_IMAGE, "the image cannot be read: " + e.getMessage());
        }
    }
}
