package io.recaption.worker.ladder;

import io.recaption.pipeline.InversionCaption;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.RequestHash;
import io.recaption.worker.RunningJob;
import io.recaption.worker.engine.JobProgress;
import java.nio.file.Path;
import java.util.List;

/**
 * What differs between an inversion and an edit inside the one job ladder ({@link JobLadder}): reading and
 * judging the request, its content hash, what it waits for, fetching its inputs, running the engine, and the
 * events that answer it. Everything else — replays, conflicts, leases, attempts, uploads, the conditional
 * manifest, statuses, deadlines — is the ladder's, once.
 *
 * @param <W> the request as read from the wire
 * @param <J> the validated job
 * @param <M> the manifest record the engine makes for it
 */
public interface JobSteps<W, J, M> {

    /**
     * The manifest's fields the ladder and the events need, read from its stored JSON.
     *
     * @param caption an inversion's caption as inverted and who wrote it (null for edits)
     */
    record Published(String attemptId, String requestHash, String workerId, double seconds, Double psnr,
            InversionCaption caption) {}

    /** What a job's precondition found: go on, wait (the record is put back on its topic), or fail. */
    sealed interface Gate {
        record Proceed() implements Gate {}

        record Wait(String waitingFor) implements Gate {}

        record Fail(JobFailure failure) implements Gate {}
    }

    JobKind kind();

    String id(W wire);

    /** The job's key prefix ({@code inversions/{id}/} or {@code edits/{id}/}). */
    String prefix(W wire);

    /** Who asked (status and manifest record it); null for a request without an owner. */
    String owner(W wire);

    /** The inversion an edit belongs to (status and events name it); null for inversions. */
    String inversionId(W wire);

    J validate(W wire) throws JobFailure;

    /** The request's content hash ({@link RequestHash}); may read S3 (the input's bytes). */
    String hash(J job) throws JobFailure;

    /**
     * Whether a hash stored with a result (or a live lease) stands for this request, whose hash is {@code hash}:
     * equal, or (where a kind changed how it hashes) the hash an earlier version of the worker gave it.
     */
    default boolean sameRequest(J job, String hash, String stored) throws JobFailure {
        return hash.equals(stored);
    }

    /** What the job needs from elsewhere before it may run (an edit: its inversion, complete, of this model). */
    Gate precondition(J job, RunningJob running) throws JobFailure;

    /** Fetches the job's inputs into {@code files} (the input image; the inversion's files). */
    void fetch(J job, JobFiles files) throws JobFailure;

    /** Runs the engine into {@code out}; returns the manifest record the engine made. */
    M run(J job, JobFiles files, Path out, JobProgress progress) throws JobFailure;

    /** Files the engine writes into {@code out}, uploaded under the attempt's prefix before the manifest. */
    List<String> outputs();

    /** The manifest stamped with its run, as the JSON that is published. */
    byte[] publishable(M manifest, io.recaption.pipeline.Provenance provenance);

    /** Reads a stored manifest. */
    Published published(byte[] manifestJson);

    JobEvent succeeded(W wire, Published manifest, boolean replayed);

    JobEvent failed(W wire, JobFailure failure, boolean replayed);
}
