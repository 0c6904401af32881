package io.recaption.worker.lease;

import java.time.Instant;

/**
 * A job's {@code lease.json}: who runs it (or ran it last), the how-many-th start that is, how many starts
 * ended without finishing (their worker died: the lease expired while held), until when it holds, and the
 * request it runs (its hash, so a worker holding a record with the same id and other content knows at once).
 *
 * @param attempt starts so far, 1 for the first
 * @param attemptId the current start's id (the key segment its files go under)
 * @param crashes starts that expired while held: the poison count
 * @param state {@code HELD} while running; {@code RELEASED} when given up on purpose (shutdown), which does not
 *     count as a crash; {@code DONE} when finished; {@code POISONED} when judged poison
 */
public record Lease(String workerId, int attempt, String attemptId, int crashes, Instant expiresAt, Instant renewedAt,
        String requestHash, State state) {

    public enum State { HELD, RELEASED, DONE, POISONED }

    public Lease {
        if (workerId == null || attemptId == null || expiresAt == null || renewedAt == null || state == null) {
            throw new IllegalArgumentException("a lease needs worker, attempt id, expiry, renewal and state");
        }
        if (attempt < 1 || crashes < 0 || crashes > attempt) {
            throw new IllegalArgumentException("attempt " + attempt + " with " + crashes + " crashes");
        }
    }

    /** Whether another worker must keep away: held (or being judged poison) and not expired. */
    public boolean liveAt(Instant now) {
        return (state == State.HELD || state == State.POISONED) && expiresAt.isAfter(now);
    }

    Lease renewed(Instant now, Instant until) {
        return new Lease(workerId, attempt, attemptId, crashes, until, now, requestHash, state);
    }

    public Lease ended(State end, Instant now) {
        return new Lease(workerId, attempt, attemptId, crashes, now, now, requestHash, end);
    }
}
