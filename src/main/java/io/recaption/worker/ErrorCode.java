package io.recaption.worker;

/**
 * Codes of failed events and dead-lettered records. The first group is what a dead-letter record carries in
 * its {@code recaption-error-code} header (the request could not be understood); the others are failed
 * events of requests that were understood.
 */
public enum ErrorCode {
    // ---- dead letter: the record is not a request ----
    /** Not UTF-8 JSON. */
    NOT_JSON,
    /** JSON, but not an object of the request's shape (a field of the wrong type, an array, ...). */
    INVALID_MESSAGE,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** An id that is not a safe S3 key segment. */
    INVALID_ID,
    /** A {@code schemaVersion} this worker does not speak. */
    UNSUPPORTED_SCHEMA_VERSION,
    /** The worker could not publish the request's event (Kafka failing); the record is kept for a replay. */
    EVENT_NOT_PUBLISHED,

    // ---- failed events ----
    EMPTY_CAPTION,
    CAPTION_TOO_LONG,
    INVALID_OPTIONS,
    BUCKET_NOT_ALLOWED,
    INVALID_IMAGE_KEY,
    IMAGE_NOT_FOUND,
    NOT_AN_IMAGE,
    IMAGE_TOO_LARGE,
    INVERSION_NOT_FOUND,
    /** The stored inversion's files are incomplete, corrupt or of another format version. */
    CORRUPT_INVERSION,
    EMPHASIS_WORD_NOT_IN_CAPTION,
    /** S3 did not answer after the configured retries. */
    STORAGE_UNAVAILABLE,
    /** The model is not loaded. */
    ENGINE_UNAVAILABLE,
    /** The engine failed unexpectedly (a bug or a resource limit); the message says what it threw. */
    ENGINE_ERROR,
    /** The worker itself failed unexpectedly (e.g. its work folder cannot be written); the message says how. */
    WORKER_ERROR
}
