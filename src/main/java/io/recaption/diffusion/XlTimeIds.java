package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * SDXL's micro-conditioning (Podell et al. 2023, §2.2), as diffusers' {@code StableDiffusionXLPipeline._get_add_time_ids}
 * lays it out: the photo's size before it was prepared, the top-left corner of the crop taken from it, and the size
 * the model renders, each (height, width). The UNet embeds these six numbers beside the pooled text embedding.
 */
public record XlTimeIds(int originalHeight, int originalWidth, int cropTop, int cropLeft, int targetHeight,
        int targetWidth) {

    public XlTimeIds {
        if (originalHeight <= 0 || originalWidth <= 0 || targetHeight <= 0 || targetWidth <= 0 || cropTop < 0
                || cropLeft < 0) {
            throw new IllegalArgumentException("time ids need positive sizes and a non-negative crop, found " + this);
        }
    }

    /** A render of {@code height × width} from nothing cropped: what the pipeline uses for text-to-image. */
    public static XlTimeIds uncropped(int height, int width) {
        return new XlTimeIds(height, width, 0, 0, height, width);
    }

    /**
     * The ids of a photo prepared as the product prepares every photo (its centred square, resized to {@code size}),
     * told the way SDXL was trained on such crops (diffusers' {@code train_text_to_image_sdxl}: torchvision's
     * {@code Resize} of the shorter side to the resolution, the longer side truncated, then {@code int(round((side −
     * size) / 2))}, Python's round half to even): the photo's own (height, width), the crop's corner in the resized
     * photo, and (size, size).
     */
    public static XlTimeIds centreCrop(int photoHeight, int photoWidth, int size) {
        int shorter = Math.min(photoHeight, photoWidth);
        int top = crop(resized(photoHeight, shorter, size), size);
        int left = crop(resized(photoWidth, shorter, size), size);
        return new XlTimeIds(photoHeight, photoWidth, top, left, size, size);
    }

    /** A side after resizing the shorter one to {@code size}: torchvision's {@code int(size · side / shorter)}. */
    private static long resized(int side, int shorter, int size) {
        return side == shorter ? size : (long) ((double) size * side / shorter);
    }

    private static int crop(long resized, int size) {
        return (int) Math.max(0, Math.rint((resized - size) / 2.0));
    }

    /** The six numbers for {@code batch} images: [batch, 6] float32, in {@code manager}. */
    public NDArray toArray(int batch, NDManager manager) {
        float[] row = {originalHeight, originalWidth, cropTop, cropLeft, targetHeight, targetWidth};
        float[] flat = new float[batch * row.length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(row, 0, flat, b * row.length, row.length);
        }
        return manager.create(flat, new Shape(batch, row.length));
    }
}
