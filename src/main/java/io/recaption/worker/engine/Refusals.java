package io.recaption.worker.engine;

import io.recaption.diffusion.InputRejectedException;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobFailure;

/**
 * The engine's refusals as the worker's failure codes: one exhaustive mapping (a new {@code Refusal} does not
 * compile until it is mapped here). Messages that could carry a decoder's or a file system's text (an image
 * that is not one, a corrupt inversion) are replaced by the worker's own; the engine's are kept where it wrote
 * them for people (token counts, the word that is not in the caption).
 */
public final class Refusals {

    private Refusals() {}

    static JobFailure failure(InputRejectedException e) {
        return switch (e.refusal()) {
            case EMPTY_IMAGE -> new JobFailure(ErrorCode.NOT_AN_IMAGE, "the image is empty", e);
            case NOT_AN_IMAGE -> new JobFailure(ErrorCode.NOT_AN_IMAGE, "the input is not an image in a supported format", e);
            case IMAGE_TOO_LARGE -> new JobFailure(ErrorCode.IMAGE_TOO_LARGE, e.getMessage(), e);
            case EMPTY_CAPTION -> new JobFailure(ErrorCode.EMPTY_CAPTION, e.getMessage(), e);
            case CAPTION_TOO_LONG -> new JobFailure(ErrorCode.CAPTION_TOO_LONG, e.getMessage(), e);
            case INVALID_OPTIONS, INVALID_FACTOR, UNKNOWN_BLEND_WORD -> new JobFailure(ErrorCode.INVALID_OPTIONS, e.getMessage(), e);
            case UNKNOWN_EMPHASIS_WORD -> new JobFailure(ErrorCode.EMPHASIS_WORD_NOT_IN_CAPTION, e.getMessage(), e);
            case CORRUPT_INVERSION -> new JobFailure(ErrorCode.CORRUPT_INVERSION,
                    "the stored inversion is incomplete, corrupt or of another format version", e);
            case MODEL_MISMATCH -> new JobFailure(ErrorCode.MODEL_MISMATCH, "the inversion was made by another model", e);
        };
    }
}
