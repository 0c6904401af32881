package io.recaption.protocol;

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
    /**
     * Also a failed event: the job was started {@code recaption.jobs.max-starts} times and never finished (each
     * start's worker died), so it is taken out of the queue instead of killing the next worker.
     */
    POISON,

    // ---- failed events ----
    EMPTY_CAPTION,
    /** An inversion request without a caption, on a worker without a captioning model ({@code recaption.captioner.path}). */
    CAPTION_REQUIRED,
    CAPTION_TOO_LONG,
    INVALID_OPTIONS,
    BUCKET_NOT_ALLOWED,
    INVALID_IMAGE_KEY,
    IMAGE_NOT_FOUND,
    NOT_AN_IMAGE,
    IMAGE_TOO_LARGE,
    /** The input key is outside {@code recaption.input.prefixes}, or under the worker's own artifacts. */
    INPUT_NOT_ALLOWED,
    /** The options would cost more UNet evaluations than {@code recaption.limits.max-unet-evaluations}. */
    BUDGET_EXCEEDED,
    /** The id was used before for a request with other content; nothing was overwritten. */
    ID_CONFLICT,
    /** No such inversion (none was requested, or it was still not complete after the edit's wait). */
    INVERSION_NOT_FOUND,
    /** The edit's inversion failed. */
    INVERSION_FAILED,
    /** The inversion was made by another model than this worker's. */
    MODEL_MISMATCH,
    /** The job did not finish within {@code recaption.jobs.deadline}. */
    JOB_TIMEOUT,
    /** The stored inversion's files are incomplete, corrupt or of another format version. */
    CORRUPT_INVERSION,
    EMPHASIS_WORD_NOT_IN_CAPTION,
    /** S3 did not answer until the job's deadline. */
    STORAGE_UNAVAILABLE,
    /** The model is not loaded. */
    ENGINE_UNAVAILABLE,
    /** The engine failed unexpectedly (a bug or a resource limit); the worker's log has the details. */
    ENGINE_ERROR,
    /** The worker itself failed unexpectedly (e.g. its work folder cannot be written); see its log. */
    WORKER_ERROR
}
