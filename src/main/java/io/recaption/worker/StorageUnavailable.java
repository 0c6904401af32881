package io.recaption.worker;

/** S3 did not answer (or kept failing) after the configured retries; the job fails with STORAGE_UNAVAILABLE. */
public class StorageUnavailable extends RuntimeException {

    public StorageUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
