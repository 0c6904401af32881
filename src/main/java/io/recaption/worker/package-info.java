/**
 * The worker ({@code serve}). Its root holds what is about the worker as a whole: configuration
 * ({@link io.recaption.worker.RecaptionConfig}), identity, health and the gates before a record is taken, metrics,
 * and the running job with the ways it is stopped. Its rooms, each using only those below it
 * (LayeringTest.WORKER_ROOMS): {@code kafka} → {@code ladder} → {@code lease}, {@code store}, {@code engine}.
 * Messages are {@link io.recaption.protocol}'s records; the engine is reached only through the pipeline's API.
 */
package io.recaption.worker;
