package io.recaption.worker.ladder;

import io.recaption.protocol.JobEvent;

/** How a request record ends, as {@code JobRunner} (the Kafka side) carries it out. */
public sealed interface Outcome {

    /** Publish the event, then acknowledge the record (committed). */
    record Answer(JobEvent event) implements Outcome {}

    /** Publish the failed event, then dead-letter the record with POISON (committed). */
    record Poison(JobEvent event) implements Outcome {}

    /** Put the record back at the end of its topic (it waits for something), then acknowledge this copy. */
    record Requeue(String why) implements Outcome {}
}
