package io.recaption.worker.ladder;

import io.recaption.pipeline.Provenance;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.JobCancelled;
import io.recaption.worker.JobInterrupted;
import io.recaption.worker.JobMetrics;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import io.recaption.worker.WorkerIdentity;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.engine.JobProgress;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.LeaseKeeper;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.StorageUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One attempt of a job whose lease we hold: fetch, wait for the model's turn ({@link EngineTurns}), run the engine (progress → status, deadline and lease
 * checked between steps), upload the outputs under the attempt's own prefix (retried until the deadline:
 * finished work is never thrown away for an outage), then publish the manifest with {@code If-None-Match: *}.
 * The run whose manifest lands wins; a run that finds one there deletes its files and answers from the
 * winner's. The winner removes what earlier, dead attempts left behind.
 */
@ApplicationScoped
public class AttemptRunner {

    private static final Logger LOG = Logger.getLogger(AttemptRunner.class);

    private final ArtifactStore store;
    private final LeaseKeeper keeper;
    private final WorkerIdentity worker;
    private final RecaptionConfig config;
    private final JobMetrics metrics;
    private final Event<JobMilestone> milestones;
    private final EngineTurns turns;
    private final JobEnds ends;

    public AttemptRunner(ArtifactStore store, LeaseKeeper keeper, WorkerIdentity worker, RecaptionConfig config,
            JobMetrics metrics, Event<JobMilestone> milestones, EngineTurns turns, JobEnds ends) {
        this.ends = ends;
        this.turns = turns;
        this.store = store;
        this.keeper = keeper;
        this.worker = worker;
        this.config = config;
        this.metrics = metrics;
        this.milestones = milestones;
    }

    /** The attempt's outcome; empty when the lease was lost to another worker (the caller waits for its result). */
    <W, J, M> Optional<Outcome> run(JobSteps<W, J, M> steps, W wire, J request, String prefix, String hash,
            Leases.Claim.Claimed claimed, RunningJob job) {
        String id = steps.id(wire);
        String attemptId = claimed.lease().attemptId();
        if (claimed.takenOver()) {
            metrics.leaseTakeover(steps.kind());
        }
        milestones.fire(new JobMilestone(steps.kind(), id, JobMilestone.Point.CLAIMED));
        StatusTracker status = ends.tracker(steps, wire, prefix, hash);
        LeaseKeeper.Renewal renewal = keeper.start(prefix + ArtifactStore.LEASE, claimed.lease(), claimed.etag(), job);
        Lease.State end = Lease.State.DONE;
        try (JobFiles files = JobFiles.create(config, id + "-" + attemptId)) {
            status.queued(null);
            steps.fetch(request, files);
            job.checkpoint();
            Path out = files.dir("out");
            M manifest;
            // the status says running once the model is ours: until then the job is fetched and waiting its turn
            try (EngineTurns.Turn turn = turns.await(job)) {
                status.running(attemptId, worker.id());
                manifest = engine(steps, request, files, out, (fraction, phase) -> {
                    job.progressed();
                    status.progress(fraction, phase);
                });
            }
            metrics.engineTime(steps.kind(), status.seconds());
            String attemptPrefix = prefix + attemptId + "/";
            for (String name : steps.outputs()) {
                Path file = out.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new JobFailure(ErrorCode.ENGINE_ERROR, "the engine did not write " + name);
                }
                store.upload(attemptPrefix + name, file);
            }
            byte[] json = steps.publishable(manifest, new Provenance(attemptId, hash == null ? "" : hash, worker.id(),
                    steps.owner(wire)));
            boolean created = store.create(prefix + JobEngine.MANIFEST, json).isPresent();
            JobSteps.Published published = created ? steps.published(json)
                    : steps.published(store.read(prefix + JobEngine.MANIFEST).orElseThrow().bytes());
            // a retried write whose first try landed (its answer was lost) finds our own manifest: we won
            if (created || attemptId.equals(published.attemptId())) {
                milestones.fire(new JobMilestone(steps.kind(), id, JobMilestone.Point.MANIFEST_PUBLISHED));
                status.succeeded(attemptId);
                removeOtherAttempts(prefix, attemptId);
                return Optional.of(new Outcome.Answer(steps.succeeded(wire, published, false)));
            }
            LOG.infof("%s %s: attempt %s of %s published first; attempt %s answers from it", steps.kind().wireName(),
                    LogSafe.text(id), published.attemptId(), LogSafe.text(String.valueOf(published.workerId())), attemptId);
            removeAttempt(prefix, attemptId);
            return Optional.of(new Outcome.Answer(steps.succeeded(wire, published, true)));
        } catch (JobFailure failure) {
            return Optional.of(ends.failed(steps, wire, status, failure));
        } catch (JobInterrupted.DeadlineExceeded e) {
            return Optional.of(ends.timedOut(steps, wire, status));
        } catch (StorageUnavailable e) {
            LOG.warnf("%s %s: %s", steps.kind().wireName(), LogSafe.text(id), e.getMessage());
            return Optional.of(ends.failed(steps, wire, status, JobFailure.storageUnavailable()));
        } catch (JobInterrupted.LeaseLost e) {
            end = null;
            removeAttempt(prefix, attemptId);
            return Optional.empty();
        } catch (JobCancelled e) {
            end = Lease.State.RELEASED;
            status.abandoned("redelivery: the worker that ran it shut down");
            throw e;
        } finally {
            renewal.stop(end);
            if (end == null) {
                // renewals have stopped: the job goes on to wait for the run that took the lease over
                job.leaseRegained();
            }
        }
    }

    private <W, J, M> M engine(JobSteps<W, J, M> steps, J request, JobFiles files, Path out,
            JobProgress progress) throws JobFailure {
        try {
            return steps.run(request, files, out, progress);
        } catch (JobInterrupted e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: the engine failed", steps.kind().wireName());
            throw new JobFailure(ErrorCode.ENGINE_ERROR, "the engine failed; the worker's log has the details", e);
        }
    }

    /** Deletes the files of every attempt but the winner's (best effort: they are unreferenced either way). */
    private void removeOtherAttempts(String prefix, String winner) {
        try {
            for (String key : store.list(prefix)) {
                String rest = key.substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && !rest.substring(0, slash).equals(winner)) {
                    store.delete(key);
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("leftovers under %s not removed: %s", LogSafe.text(prefix), e.getMessage());
        }
    }

    private void removeAttempt(String prefix, String attemptId) {
        try {
            for (String key : store.list(prefix + attemptId + "/")) {
                store.delete(key);
            }
        } catch (RuntimeException e) {
            LOG.debugf("files of attempt %s under %s not removed: %s", attemptId, LogSafe.text(prefix), e.getMessage());
        }
    }
}
