/**
 * The job ladder, one for both kinds: {@link io.recaption.worker.ladder.JobLadder} (validate, hash, replay or
 * conflict, precondition, lease) and {@link io.recaption.worker.ladder.AttemptRunner} (fetch, take the model in
 * turn, run, upload, publish the manifest once), with what differs per kind in
 * {@link io.recaption.worker.ladder.JobSteps}; the status each exit leaves
 * ({@link io.recaption.worker.ladder.StatusTracker}), the running jobs and shutdown, request validation. Uses
 * leases, the store and the engine adapter; knows nothing of Kafka.
 */
package io.recaption.worker.ladder;
