/**
 * The worker's Kafka side: the two consumers (one thread per request topic), reading each record into the
 * protocol's records, running it down the ladder and carrying out its {@link io.recaption.worker.ladder.Outcome}
 * (publish the event, put the record back, dead-letter it, or leave it uncommitted at shutdown), the commit
 * keeping, and the event publisher (the one place events become JSON). Uses the ladder and the worker's root.
 */
package io.recaption.worker.kafka;
