package io.recaption.worker.store;

/** S3 did not answer (or kept failing) until the deadline of its retries; the job fails with STORAGE_UNAVAILABLE. */
public class StorageUnavailable extends RuntimeException {

    public StorageUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
