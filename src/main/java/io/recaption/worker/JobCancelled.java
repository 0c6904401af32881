package io.recaption.worker;


/**
 * Thrown from a job's progress callback when the worker shuts down before the job could finish: the job is
 * abandoned without an event and its record stays uncommitted, so another worker (or this one restarted)
 * redoes it. Engines must let it propagate.
 */
public class JobCancelled extends JobInterrupted {

    public JobCancelled(String message) {
        super(message);
    }
}
