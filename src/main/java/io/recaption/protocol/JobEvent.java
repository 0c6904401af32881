package io.recaption.protocol;

/**
 * An event on {@code inversion-events} or {@code edit-events} (DESIGN §5): its schema is these records, and
 * {@link EventPublisher} is the one place they become JSON (absent fields omitted). {@code replayed: true}
 * marks an event answered from a stored result (a redelivered or re-sent request, or a run that lost the race
 * to publish): a consumer that de-duplicates by id keeps the first event of each id and may ignore replays.
 */
public sealed interface JobEvent permits InversionEvent, EditEvent {

    String SUCCEEDED = JobStatus.State.SUCCEEDED.wireName();
    String FAILED = JobStatus.State.FAILED.wireName();

    /** The job's id: the record key. */
    String id();

    String status();

    Error error();

    /** Whether it answers from a stored result rather than from a run that just finished. */
    boolean isReplay();

    default boolean succeeded() {
        return SUCCEEDED.equals(status());
    }

    /** A failed job's code and a message for people: built by the worker, never an exception's text. */
    public record Error(String code, String message) {
        public Error {
            if (code == null || code.isBlank() || message == null) {
                throw new IllegalArgumentException("an event error needs a code and a message");
            }
        }

        public static Error of(JobFailure failure) {
            return new Error(failure.code().name(), failure.getMessage());
        }
    }

    /** Seconds the engine ran, and the reconstruction's PSNR (inversions). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Metrics(Double psnr, double seconds) {}
}
