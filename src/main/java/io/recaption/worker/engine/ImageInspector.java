package io.recaption.worker.engine;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.protocol.JobFailure;
import java.nio.file.Path;

/**
 * Bounds an input image from its header, before anything decodes it: an empty or unreadable file is not an
 * image, and more than the configured pixels (a decompression bomb: a small PNG that declares a huge
 * canvas) is too large.
 */
public final class ImageInspector {

    private ImageInspector() {}

    /** The image's [width, height] when it is an image within {@code maxPixels} (header only, as the engine checks). */
    public static int[] check(Path file, long maxPixels) throws JobFailure {
        try {
            ImageFiles.Header header = ImageFiles.inspect(file, new ImageFiles.Limits(Long.MAX_VALUE, maxPixels));
            return new int[] {header.width(), header.height()};
        } catch (InputRejectedException e) {
            throw Refusals.failure(e);
        }
    }
}
