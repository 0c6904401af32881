package io.recaption.worker.ladder;

import io.recaption.protocol.RequestValidator;
import io.recaption.pipeline.EditManifest;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.ModelIdentity;
import io.recaption.pipeline.Provenance;
import io.recaption.protocol.EditEvent;
import io.recaption.protocol.EditJob;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.RequestHash;
import io.recaption.protocol.RequestReader;
import io.recaption.protocol.WireRequests;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.engine.JobProgress;
import io.recaption.worker.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The edit's part of the job ladder: its inversion must be complete and made by this worker's model (an edit
 * that arrives while the inversion is queued or running, or not yet requested, waits for it up to
 * {@code recaption.edit.inversion-wait} from its first delivery); fetch the winning attempt's files, render,
 * answer with the image's key.
 */
@ApplicationScoped
public class EditSteps implements JobSteps<WireRequests.Edit, EditJob, EditManifest> {

    static final String INVERSION = "inversion";
    private static final List<String> INVERSION_FILES = List.of(JobEngine.LATENTS, JobEngine.NULL_EMBEDDINGS, JobEngine.RECONSTRUCTION);

    private final ArtifactStore store;
    private final RequestValidator validator;
    private final JobEngine engine;
    private final RecaptionConfig config;
    private final Clock clock;

    public EditSteps(ArtifactStore store, RequestValidator validator, JobEngine engine, RecaptionConfig config, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.validator = validator;
        this.engine = engine;
        this.config = config;
    }

    @Override
    public JobKind kind() {
        return JobKind.EDIT;
    }

    @Override
    public String id(WireRequests.Edit wire) {
        return wire.editId();
    }

    @Override
    public String prefix(WireRequests.Edit wire) {
        return store.editPrefix(wire.owner(), wire.editId());
    }

    @Override
    public String inversionId(WireRequests.Edit wire) {
        return wire.inversionId();
    }

    @Override
    public String owner(WireRequests.Edit wire) {
        return wire.owner();
    }

    @Override
    public EditJob validate(WireRequests.Edit wire) throws JobFailure {
        return validator.edit(wire);
    }

    @Override
    public String hash(EditJob job) {
        return RequestHash.edit(job);
    }

    @Override
    public Gate precondition(EditJob job, RunningJob running) {
        // the inversion is looked for among the edit's owner's own: another owner's is, to it, one that does not exist
        String inversion = store.inversionPrefix(job.owner(), job.inversionId());
        Optional<InversionManifest> manifest;
        try {
            manifest = store.read(inversion + JobEngine.MANIFEST).map(v -> inversion(v.bytes()));
        } catch (UncheckedIOException e) {
            return new Gate.Fail(new JobFailure(ErrorCode.CORRUPT_INVERSION,
                    "the manifest of inversion '" + job.inversionId() + "' cannot be read"));
        }
        if (manifest.isPresent()) {
            Provenance provenance = manifest.get().provenance();
            String owner = provenance == null ? null : provenance.owner();
            if (!Objects.equals(owner, job.owner())) {
                // another owner's inversion is, to this request, one that does not exist: its id tells nothing
                return new Gate.Fail(new JobFailure(ErrorCode.INVERSION_NOT_FOUND,
                        "no inversion '" + job.inversionId() + "' of this edit's owner"));
            }
            ModelIdentity made = manifest.get().model();
            ModelIdentity ours = engine.model();
            if (made != null && !made.sameModel(ours)) {
                return new Gate.Fail(new JobFailure(ErrorCode.MODEL_MISMATCH, "inversion '" + job.inversionId()
                        + "' was made by model " + RequestReader.clip(made.name()) + " (" + made.hash() + "); this worker runs "
                        + ours.name() + " (" + ours.hash() + ")"));
            }
            return new Gate.Proceed();
        }
        Optional<JobStatus> status = store.readStatus(inversion)
                .filter(s -> Objects.equals(s.owner(), job.owner())); // another owner's tells nothing either
        if (status.isPresent() && status.get().state() == JobStatus.State.FAILED) {
            return new Gate.Fail(new JobFailure(ErrorCode.INVERSION_FAILED, "inversion '" + job.inversionId() + "' failed"));
        }
        Duration waited = Duration.between(running.firstSeen(), clock.instant());
        // two bounds: the time since the first delivery, and the number of times put back (which holds whatever the
        // clocks of the producers and the workers say)
        if (waited.compareTo(config.edit().inversionWait()) < 0 && running.requeues() < config.edit().maxRequeues()) {
            return new Gate.Wait("inversion " + job.inversionId());
        }
        String after = running.requeues() >= config.edit().maxRequeues()
                ? "being put back " + running.requeues() + " times" : "waiting " + config.edit().inversionWait();
        return new Gate.Fail(new JobFailure(ErrorCode.INVERSION_NOT_FOUND, status.isEmpty()
                ? "no inversion '" + job.inversionId() + "' after " + after
                : "inversion '" + job.inversionId() + "' was still " + status.get().state().wireName() + " after " + after));
    }

    @Override
    public void fetch(EditJob job, JobFiles files) throws JobFailure {
        String prefix = store.inversionPrefix(job.owner(), job.inversionId());
        Path dir = files.dir(INVERSION);
        if (!store.downloadArtifact(prefix + JobEngine.MANIFEST, dir.resolve(JobEngine.MANIFEST))) {
            throw new JobFailure(ErrorCode.INVERSION_NOT_FOUND, "inversion '" + job.inversionId() + "' has no manifest");
        }
        String attemptId;
        try {
            Provenance provenance = Manifests.readInversion(dir).provenance();
            attemptId = provenance == null ? null : provenance.attemptId();
        } catch (IOException | IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.CORRUPT_INVERSION, "the manifest of inversion '" + job.inversionId() + "' cannot be read");
        }
        String files0 = attemptId == null ? prefix : prefix + attemptId + "/";
        for (String name : INVERSION_FILES) {
            if (!store.downloadArtifact(files0 + name, dir.resolve(name))) {
                throw new JobFailure(ErrorCode.CORRUPT_INVERSION, "inversion '" + job.inversionId() + "' has no " + name);
            }
        }
    }

    @Override
    public EditManifest run(EditJob job, JobFiles files, Path out, JobProgress progress) throws JobFailure {
        return engine.edit(files.dir(INVERSION), job.options(), out, progress);
    }

    @Override
    public List<String> outputs() {
        return List.of(JobEngine.EDITED_IMAGE);
    }

    @Override
    public byte[] publishable(EditManifest manifest, Provenance provenance) {
        return Manifests.bytes(manifest.withProvenance(provenance));
    }

    @Override
    public Published published(byte[] json) {
        try {
            EditManifest manifest = Manifests.edit(json);
            Provenance p = manifest.provenance();
            return new Published(p == null ? null : p.attemptId(), p == null ? null : p.requestHash(), p == null ? null : p.workerId(), manifest.seconds(), null,
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException("an edit manifest that cannot be read", e);
        }
    }

    @Override
    public JobEvent succeeded(WireRequests.Edit wire, Published manifest, boolean replayed) {
        String prefix = store.editPrefix(wire.owner(), wire.editId());
        String files = manifest.attemptId() == null ? prefix : prefix + manifest.attemptId() + "/";
        return new EditEvent(RequestReader.SCHEMA_VERSION, wire.editId(), wire.inversionId(), JobEvent.SUCCEEDED,
                manifest.attemptId(), store.bucket(), files + JobEngine.EDITED_IMAGE, prefix + JobEngine.MANIFEST,
                prefix + ArtifactStore.STATUS, new JobEvent.Metrics(null, manifest.seconds()), null, replayed);
    }

    @Override
    public JobEvent failed(WireRequests.Edit wire, JobFailure failure, boolean replayed) {
        return EditEvent.failed(wire.editId(), wire.inversionId(), failure, replayed);
    }

    private static InversionManifest inversion(byte[] json) {
        try {
            return Manifests.inversion(json);
        } catch (IOException e) {
            throw new UncheckedIOException("an inversion manifest that cannot be read", e);
        }
    }
}
