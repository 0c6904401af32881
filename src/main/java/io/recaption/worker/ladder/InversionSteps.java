package io.recaption.worker.ladder;

import io.recaption.protocol.RequestValidator;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.Provenance;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionEvent;
import io.recaption.protocol.InversionJob;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.RequestHash;
import io.recaption.protocol.RequestReader;
import io.recaption.protocol.WireRequests;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import io.recaption.worker.engine.ImageInspector;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.engine.JobProgress;
import io.recaption.worker.engine.WorkerCaptioner;
import io.recaption.worker.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The inversion's part of the job ladder: fetch the image, invert it, answer with the artifacts' keys. */
@ApplicationScoped
public class InversionSteps implements JobSteps<WireRequests.Inversion, InversionJob, InversionManifest> {

    static final String INPUT = "input";
    private static final List<String> OUTPUTS = List.of(JobEngine.LATENTS, JobEngine.NULL_EMBEDDINGS, JobEngine.RECONSTRUCTION);

    private final ArtifactStore store;
    private final RequestValidator validator;
    private final JobEngine engine;
    private final WorkerCaptioner captioner;
    private final RecaptionConfig config;

    public InversionSteps(ArtifactStore store, RequestValidator validator, JobEngine engine, WorkerCaptioner captioner,
            RecaptionConfig config) {
        this.store = store;
        this.validator = validator;
        this.engine = engine;
        this.captioner = captioner;
        this.config = config;
    }

    @Override
    public JobKind kind() {
        return JobKind.INVERSION;
    }

    @Override
    public String id(WireRequests.Inversion wire) {
        return wire.requestId();
    }

    @Override
    public String prefix(WireRequests.Inversion wire) {
        return store.inversionPrefix(wire.owner(), wire.requestId());
    }

    @Override
    public String inversionId(WireRequests.Inversion wire) {
        return null;
    }

    @Override
    public String owner(WireRequests.Inversion wire) {
        return wire.owner();
    }

    @Override
    public InversionJob validate(WireRequests.Inversion wire) throws JobFailure {
        return validator.inversion(wire);
    }

    /**
     * With the SHA-256 of the input's bytes, read for it: an ETag is an optional header (S3-compatible stores
     * and proxies may answer without one) and a multipart upload's is no content hash. Null when the input does
     * not exist (a stored result is then taken as a replay).
     */
    @Override
    public String hash(InversionJob job) throws JobFailure {
        try {
            return store.inputDigest(job.image(), config.limits().maxImageBytes())
                    .map(digest -> RequestHash.inversion(job, digest)).orElse(null);
        } catch (S3Exception e) {
            throw unreadable(job, e);
        }
    }

    /**
     * Results stored before inversions were hashed by their input's bytes carry the hash of its ETag: the same
     * input under the same ETag is the same request, so that a redelivered old request is a replay, not a
     * conflict. Asked only when the hashes differ.
     */
    @Override
    public boolean sameRequest(InversionJob job, String hash, String stored) throws JobFailure {
        if (hash.equals(stored)) {
            return true;
        }
        try {
            return store.etag(job.image().bucket(), job.image().key())
                    .map(etag -> RequestHash.inversionByETag(job, etag).equals(stored)).orElse(false);
        } catch (S3Exception e) {
            throw unreadable(job, e);
        }
    }

    private static JobFailure unreadable(InversionJob job, S3Exception e) {
        return new JobFailure(ErrorCode.IMAGE_NOT_FOUND, "s3://" + job.image().bucket() + "/"
                + RequestReader.clip(job.image().key()) + " cannot be read: " + e.awsErrorDetails().errorCode());
    }

    @Override
    public Gate precondition(InversionJob job, RunningJob running) {
        return new Gate.Proceed();
    }

    @Override
    public void fetch(InversionJob job, JobFiles files) throws JobFailure {
        Path image = files.file(INPUT);
        store.downloadInput(job.image(), image, config.limits().maxImageBytes());
        ImageInspector.check(image, config.limits().maxImagePixels());
    }

    @Override
    public InversionManifest run(InversionJob job, JobFiles files, Path out, JobProgress progress) throws JobFailure {
        Path image = files.file(INPUT);
        InversionCaption caption = job.captionedByModel() ? captioner.caption(image) : InversionCaption.user(job.caption());
        return engine.invert(image, caption, job.options(), out, progress);
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    @Override
    public byte[] publishable(InversionManifest manifest, Provenance provenance) {
        return Manifests.bytes(manifest.withProvenance(provenance));
    }

    @Override
    public Published published(byte[] json) {
        try {
            InversionManifest manifest = Manifests.inversion(json);
            Provenance p = manifest.provenance();
            return new Published(p == null ? null : p.attemptId(), p == null ? null : p.requestHash(), p == null ? null : p.workerId(),
                    manifest.seconds().getOrDefault("total", 0.0), Double.isFinite(manifest.psnr()) ? manifest.psnr() : null,
                    new InversionCaption(manifest.caption(), manifest.captionSource(), manifest.captioner()));
        } catch (IOException e) {
            throw new UncheckedIOException("an inversion manifest that cannot be read", e);
        }
    }

    @Override
    public JobEvent succeeded(WireRequests.Inversion wire, Published manifest, boolean replayed) {
        String id = wire.requestId();
        String prefix = store.inversionPrefix(wire.owner(), id);
        String files = manifest.attemptId() == null ? prefix : prefix + manifest.attemptId() + "/";
        InversionEvent.Artifacts artifacts = new InversionEvent.Artifacts(store.bucket(), prefix, files,
                files + JobEngine.LATENTS, files + JobEngine.NULL_EMBEDDINGS, files + JobEngine.RECONSTRUCTION,
                prefix + JobEngine.MANIFEST, prefix + ArtifactStore.STATUS);
        return new InversionEvent(RequestReader.SCHEMA_VERSION, id, id, JobEvent.SUCCEEDED, manifest.attemptId(),
                artifacts, new JobEvent.Metrics(manifest.psnr(), manifest.seconds()), manifest.caption().text(),
                manifest.caption().source(), null, replayed);
    }

    @Override
    public JobEvent failed(WireRequests.Inversion wire, JobFailure failure, boolean replayed) {
        return InversionEvent.failed(wire.requestId(), failure, replayed);
    }
}
