package io.recaption.worker.ladder;

import io.recaption.protocol.JobKind;

/**
 * A point a job passes that matters to delivery (fired synchronously as a CDI event): after the manifest is
 * published and after the event is published, each before the record is committed. Observers may log or
 * count them; the fleet test's observer holds jobs there to kill a worker in those windows.
 */
public record JobMilestone(JobKind kind, String id, Point point) {

    public enum Point {
        /** The lease is ours and the attempt starts. */
        CLAIMED,
        /** This attempt's manifest won the conditional write. */
        MANIFEST_PUBLISHED,
        /** The event is on its topic; the record is not committed yet. */
        EVENT_PUBLISHED
    }
}
