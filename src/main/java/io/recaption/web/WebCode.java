package io.recaption.web;

/** Refusals of the API that are not the worker's: the request never becomes a job, or the job is not there. */
public enum WebCode {
    /** The body is not JSON, or not of the endpoint's shape. */
    INVALID_REQUEST,
    /** An upload whose Content-Type is not {@code image/*}. */
    UNSUPPORTED_MEDIA_TYPE,
    /** No such path or method under /api. */
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    /** An id the API never accepted and no worker has written. */
    EDIT_NOT_FOUND,
    /** An edit of an inversion that has not (yet) succeeded. */
    INVERSION_NOT_READY,
    /** An image that is not (yet) written: the job has not succeeded, or its input was not uploaded here. */
    IMAGE_NOT_READY,
    /** A caller-chosen inversion id already used for another request. */
    ID_CONFLICT,
    /** The request could not be published to Kafka in time; nothing was accepted. */
    KAFKA_UNAVAILABLE,
    /** recaption.web.auth.* is set and the request carries neither the token nor the user and password. */
    UNAUTHORIZED,
    /** More uploads at once than {@code recaption.web.max-concurrent-uploads}: try again shortly (429). */
    TOO_MANY_UPLOADS,
    /** A failure of the web itself; the message says what. */
    INTERNAL_ERROR
}
