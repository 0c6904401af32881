package io.recaption.worker.ladder;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.LogSafe;
import io.recaption.protocol.RequestValidator;
import io.recaption.worker.JobCancelled;
import io.recaption.worker.JobInterrupted;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.StorageUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one ladder every job goes down, inversion or edit ({@link JobSteps} supplies the differences):
 * <ol>
 *   <li>validate (a refusal is a failed event, unless the id already has another result: {@code ID_CONFLICT});
 *   <li>hash the request; if the id has a result (manifest, or a failed status), answer from it — a replay
 *       when the hash matches, {@code ID_CONFLICT} when not, nothing overwritten either way;
 *   <li>the precondition (an edit's inversion): wait (the record is put back on its topic) or fail;
 *   <li>claim the lease: run an attempt ({@link AttemptRunner}); or, while another worker holds a live
 *       lease, wait for its result or for the lease to expire; or, after too many starts, poison.
 * </ol>
 * Failures that may pass (S3, Kafka) are retried until the job's deadline, never turned into failed events
 * before it.
 */
@ApplicationScoped
public class JobLadder {

    private static final Logger LOG = Logger.getLogger(JobLadder.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final ArtifactStore store;
    private final Leases leases;
    private final AttemptRunner attempts;
    private final JobEnds ends;
    private final RecaptionConfig config;
    private final Clock clock;

    public JobLadder(ArtifactStore store, Leases leases, AttemptRunner attempts, JobEnds ends, RecaptionConfig config,
            Clock clock) {
        this.ends = ends;
        this.clock = clock;
        this.store = store;
        this.leases = leases;
        this.attempts = attempts;
        this.config = config;
    }

    public <W, J, M> Outcome process(JobSteps<W, J, M> steps, W wire, RunningJob job) {
        String prefix = steps.prefix(wire);
        J request;
        try {
            request = steps.validate(wire);
        } catch (JobFailure invalid) {
            return refuse(steps, wire, prefix, invalid);
        }
        String hash = null;
        try {
            hash = steps.hash(request);
            while (true) {
                Optional<Outcome> finished = finished(steps, wire, request, prefix, hash);
                if (finished.isPresent()) {
                    return finished.get();
                }
                JobSteps.Gate gate = precondition(steps, request, job);
                if (gate instanceof JobSteps.Gate.Wait wait) {
                    ends.tracker(steps, wire, prefix, hash).queued(wait.waitingFor());
                    return new Outcome.Requeue("waiting for " + wait.waitingFor());
                }
                if (gate instanceof JobSteps.Gate.Fail fail) {
                    return ends.failed(steps, wire, prefix, hash, fail.failure());
                }
                Leases.Claim claim = leases.claim(prefix + ArtifactStore.LEASE, hash == null ? "" : hash);
                if (claim instanceof Leases.Claim.Claimed claimed) {
                    Optional<Outcome> outcome = attempts.run(steps, wire, request, prefix, hash, claimed, job);
                    if (outcome.isPresent()) {
                        return outcome.get();
                    }
                } else if (claim instanceof Leases.Claim.Busy busy) {
                    String held = busy.lease().requestHash();
                    if (!matches(steps, request, hash, held)) {
                        return conflict(steps, wire);
                    }
                    if (!awaitOther(prefix, job)) {
                        return new Outcome.Requeue("another worker still runs it at this job's deadline");
                    }
                } else {
                    return ends.poisoned(steps, wire, prefix, hash, (Leases.Claim.Poisoned) claim);
                }
            }
        } catch (JobFailure failure) {
            return ends.failed(steps, wire, prefix, hash, failure);
        } catch (JobInterrupted.DeadlineExceeded e) {
            return ends.timedOut(steps, wire, ends.tracker(steps, wire, prefix, hash));
        } catch (StorageUnavailable e) {
            LOG.warnf("%s %s: %s", steps.kind().wireName(), LogSafe.text(steps.id(wire)), e.getMessage());
            return new Outcome.Answer(steps.failed(wire, JobFailure.storageUnavailable(), false));
        } catch (JobInterrupted e) {
            // cancelled at shutdown (left for redelivery) or a lease lost: not an end of the job
            throw e;
        } catch (RuntimeException e) {
            // a bug or a state nobody planned for (an unreadable stored manifest): the event says WORKER_ERROR,
            // and so must the status, or the REST endpoint and the editor poll a job that never moves
            LOG.errorf(e, "%s %s: unexpected failure", steps.kind().wireName(), LogSafe.text(steps.id(wire)));
            return ends.failed(steps, wire, prefix, hash, JobFailure.workerError());
        }
    }

    /** A request that failed validation: a failed event, unless its id already stands for something else. */
    private <W, J, M> Outcome refuse(JobSteps<W, J, M> steps, W wire, String prefix, JobFailure invalid) {
        if (store.exists(prefix + JobEngine.MANIFEST)) {
            return conflict(steps, wire);
        }
        Optional<JobStatus> status = store.readStatus(prefix);
        if (status.isPresent()) {
            boolean sameFailure = status.get().state() == JobStatus.State.FAILED
                    && invalid.code().name().equals(status.get().error().code());
            return sameFailure ? new Outcome.Answer(steps.failed(wire, invalid, true)) : conflict(steps, wire);
        }
        return ends.failed(steps, wire, prefix, null, invalid);
    }

    /** The stored result of the id, as a replay when the request matches it and as a conflict when not. */
    private <W, J, M> Optional<Outcome> finished(JobSteps<W, J, M> steps, W wire, J request, String prefix, String hash)
            throws JobFailure {
        Optional<ArtifactStore.Versioned> manifest = store.read(prefix + JobEngine.MANIFEST);
        Optional<JobStatus> status = store.readStatus(prefix);
        if (manifest.isPresent()) {
            JobSteps.Published published = steps.published(manifest.get().bytes());
            if (!matches(steps, request, hash, published.requestHash())) {
                return Optional.of(conflict(steps, wire));
            }
            if (status.map(JobStatus::state).orElse(null) != JobStatus.State.SUCCEEDED && published.attemptId() != null) {
                // the winner died between its manifest and its status: the status catches up here
                ends.tracker(steps, wire, prefix, published.requestHash()).succeeded(published.attemptId());
            }
            return Optional.of(new Outcome.Answer(steps.succeeded(wire, published, true)));
        }
        if (status.isEmpty()) {
            return Optional.empty();
        }
        String stored = status.get().requestHash();
        if (!matches(steps, request, hash, stored) || refusedOther(status.get(), hash)) {
            return Optional.of(conflict(steps, wire));
        }
        if (status.get().state() != JobStatus.State.FAILED) {
            return Optional.empty();
        }
        return Optional.of(new Outcome.Answer(steps.failed(wire, storedFailure(status.get().error()), true)));
    }

    /**
     * A stored refusal (a failed status without a request hash: the values alone decided) of a request that this
     * one, valid and identified, cannot be: the id was used for other content.
     */
    private static boolean refusedOther(JobStatus status, String hash) {
        boolean refusal = status.state() == JobStatus.State.FAILED && status.error() != null
                && RequestValidator.REFUSALS.stream().anyMatch(code -> code.name().equals(status.error().code()));
        return refusal && hash != null && (status.requestHash() == null || status.requestHash().isEmpty());
    }

    private static <W, J, M> boolean matches(JobSteps<W, J, M> steps, J request, String hash, String stored) throws JobFailure {
        return hash == null || stored == null || stored.isEmpty() || steps.sameRequest(request, hash, stored);
    }

    private static JobFailure storedFailure(JobEvent.Error error) {
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(error.code());
        } catch (IllegalArgumentException unknown) {
            code = ErrorCode.WORKER_ERROR;
        }
        return new JobFailure(code, error.message().isEmpty() ? code.name() : error.message());
    }

    private <W, J, M> Outcome conflict(JobSteps<W, J, M> steps, W wire) {
        String id = steps.id(wire);
        LOG.warnf("%s %s: the id was used before for other content", steps.kind().wireName(), LogSafe.text(id));
        return new Outcome.Answer(steps.failed(wire, new JobFailure(ErrorCode.ID_CONFLICT,
                "id '" + id + "' was used before for a request with other content; nothing was overwritten"), false));
    }

    /** The precondition, polled for up to {@code recaption.edit.requeue-delay} while it says wait. */
    private <W, J, M> JobSteps.Gate precondition(JobSteps<W, J, M> steps, J request, RunningJob job) throws JobFailure {
        Instant until = clock.instant().plus(config.edit().requeueDelay());
        JobSteps.Gate gate = steps.precondition(request, job);
        while (gate instanceof JobSteps.Gate.Wait && clock.instant().isBefore(until)) {
            pause(job);
            gate = steps.precondition(request, job);
        }
        return gate;
    }

    /**
     * Another worker holds a live lease: wait until its result is stored or its lease lapses (then the caller
     * looks again). False when this job's deadline comes first.
     */
    private boolean awaitOther(String prefix, RunningJob job) {
        try {
            while (true) {
                pause(job);
                if (store.exists(prefix + JobEngine.MANIFEST)
                        || store.readStatus(prefix).map(JobStatus::state).orElse(null) == JobStatus.State.FAILED) {
                    return true;
                }
                Optional<Lease> lease = leases.read(prefix + ArtifactStore.LEASE);
                if (lease.isEmpty() || !lease.get().liveAt(clock.instant())) {
                    return true;
                }
            }
        } catch (JobInterrupted.DeadlineExceeded e) {
            return false;
        }
    }

    private static void pause(RunningJob job) {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobCancelled("interrupted");
        }
        job.checkpoint();
    }
}
