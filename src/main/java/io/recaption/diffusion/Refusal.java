package io.recaption.diffusion;

/**
 * Why the engine refuses a request because of its input. One enum, so that a caller (the worker) maps every
 * refusal exhaustively once and a misspelt code cannot exist: a new constant is a compile error in that
 * mapping, not a silent fallback.
 */
public enum Refusal {
    /** The image file has no bytes. */
    EMPTY_IMAGE,
    /** The bytes are not an image a decoder reads. */
    NOT_AN_IMAGE,
    /** More bytes or pixels than the limits allow. */
    IMAGE_TOO_LARGE,
    /** A blank caption. */
    EMPTY_CAPTION,
    /** More tokens than the text encoder's context (and truncation was not asked for). */
    CAPTION_TOO_LONG,
    /** A setting out of its range (steps, guidance, replace fractions, ...). */
    INVALID_OPTIONS,
    /** An emphasis factor that is not finite. */
    INVALID_FACTOR,
    /** An emphasis word that is not a word of the caption. */
    UNKNOWN_EMPHASIS_WORD,
    /** A local-blend word found in neither caption. */
    UNKNOWN_BLEND_WORD,
    /** A stored inversion that is incomplete, corrupt or of another format version. */
    CORRUPT_INVERSION,
    /** A stored inversion made by another model than the one asked to edit it. */
    MODEL_MISMATCH
}
