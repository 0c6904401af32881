package io.recaption.protocol;

/**
 * A validated inversion request; the inversion's id is the request's id.
 *
 * @param caption the request's caption, stripped; null when it came without one and the worker's captioning model
 *     writes it ({@link WorkerCaptioner})
 * @param owner who asked; null for a request without an owner
 */
public record InversionJob(String requestId, ImageRef image, String caption, InversionOptions options, String owner) {

    /** Whether the caption is to be written by the worker's captioning model. */
    public boolean captionedByModel() {
        return caption == null;
    }
}
