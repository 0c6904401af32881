/**
 * The worker ({@code serve}): Kafka in (consumers, commit keeping, dead letters, requeues), the job ladder
 * ({@link io.recaption.worker.JobRunner} → {@link io.recaption.worker.JobLadder} →
 * {@link io.recaption.worker.AttemptRunner}: replay, conflict, leases, status, deadline), the object store on S3
 * with its health and retries, and the adapter to the pipeline ({@link io.recaption.worker.StableDiffusionJobEngine}).
 * Its messages are {@link io.recaption.protocol}'s records; the engine it reaches only through the pipeline's API.
 */
package io.recaption.worker;
