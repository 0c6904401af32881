package io.recaption.worker.ladder;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * How a job ends when it does not succeed, in one place for the ladder and the attempt: the failed status
 * written (never over a finished one, {@link StatusTracker}) together with the failed event, so that what the
 * REST endpoint and the editor read is what the event said; and poison, which also ends the lease.
 */
@ApplicationScoped
public class JobEnds {

    private static final Logger LOG = Logger.getLogger(JobEnds.class);

    private final ArtifactStore store;
    private final RecaptionConfig config;
    private final Clock clock;

    public JobEnds(ArtifactStore store, RecaptionConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /** The status of the job at {@code prefix}; {@code hash} is the request's content identity (null if unknown). */
    <W, J, M> StatusTracker tracker(JobSteps<W, J, M> steps, W wire, String prefix, String hash) {
        return new StatusTracker(store, prefix + ArtifactStore.STATUS, steps.kind(), steps.id(wire), steps.inversionId(wire),
                steps.owner(wire), hash, config.jobs().statusInterval(), clock);
    }

    /** A failed event, with the status written. */
    <W, J, M> Outcome failed(JobSteps<W, J, M> steps, W wire, StatusTracker status, JobFailure failure) {
        status.failed(failure);
        return new Outcome.Answer(steps.failed(wire, failure, false));
    }

    <W, J, M> Outcome failed(JobSteps<W, J, M> steps, W wire, String prefix, String hash, JobFailure failure) {
        return failed(steps, wire, tracker(steps, wire, prefix, hash), failure);
    }

    /** The deadline passed: {@code JOB_TIMEOUT}. */
    <W, J, M> Outcome timedOut(JobSteps<W, J, M> steps, W wire, StatusTracker status) {
        return failed(steps, wire, status, JobFailure.timedOut(config.jobs().deadline()));
    }

    /** Poison: the failed status and event, the lease ended as poisoned, and the record to the dead-letter topic. */
    <W, J, M> Outcome poisoned(JobSteps<W, J, M> steps, W wire, String prefix, String hash, Leases.Claim.Poisoned poisoned) {
        JobFailure failure = new JobFailure(ErrorCode.POISON, "the job was started " + poisoned.lease().crashes()
                + " times and its worker never finished it; it is not run again");
        tracker(steps, wire, prefix, hash).failed(failure);
        try {
            store.replaceOnce(prefix + ArtifactStore.LEASE, Leases.bytes(poisoned.lease().ended(Lease.State.POISONED,
                    clock.instant())), poisoned.etag());
        } catch (RuntimeException e) {
            LOG.debugf("poisoned lease of %s not ended: %s", LogSafe.text(prefix), e.getMessage());
        }
        return new Outcome.Poison(steps.failed(wire, failure, false));
    }
}
