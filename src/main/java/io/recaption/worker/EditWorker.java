package io.recaption.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.DoubleConsumer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code edit-requests} → {@code edit-events}: fetch the stored inversion, render the edit with the engine,
 * store {@code edits/{editId}/image.png} and its manifest (last) and answer. An edit whose manifest already
 * exists is answered from it.
 */
@ApplicationScoped
public class EditWorker {

    private static final List<String> INVERSION_FILES =
            List.of(JobEngine.LATENTS, JobEngine.NULL_EMBEDDINGS, JobEngine.RECONSTRUCTION, JobEngine.MANIFEST);

    private static final Logger LOG = Logger.getLogger(EditWorker.class);

    private final JobRunner runner;
    private final RequestValidator validator;
    private final ArtifactStore store;
    private final JobEngine engine;
    private final JobMetrics metrics;
    private final RecaptionConfig config;
    private final Clock clock = Clock.systemUTC();

    public EditWorker(JobRunner runner, RequestValidator validator, ArtifactStore store, JobEngine engine,
            JobMetrics metrics, RecaptionConfig config) {
        this.runner = runner;
        this.validator = validator;
        this.store = store;
        this.engine = engine;
        this.metrics = metrics;
        this.config = config;
    }

    @Incoming("edit-requests")
    @Blocking(InversionWorker.POOL)
    public CompletionStage<Void> onRequest(Message<byte[]> message) {
        return runner.handle(message, JobKind.EDIT, RequestReader::edit, WireRequests.Edit::editId, this::process);
    }

    ObjectNode process(WireRequests.Edit request, RunningJob job) {
        String editId = request.editId();
        String inversionId = request.inversionId();
        String prefix = store.editPrefix(editId);
        StatusTracker status = new StatusTracker(store, prefix + ArtifactStore.STATUS, JobKind.EDIT, editId, inversionId,
                config.jobs().statusInterval(), clock);
        try {
            if (store.exists(prefix + JobEngine.MANIFEST)) {
                double seconds = store.readJson(status.key()).map(s -> s.path("seconds").asDouble()).orElse(0.0);
                return Events.editSucceeded(store, editId, inversionId, seconds, true);
            }
            EditJob edit = validator.edit(request);
            String inversionPrefix = store.inversionPrefix(inversionId);
            if (!store.exists(inversionPrefix + JobEngine.MANIFEST)) {
                throw new JobFailure(ErrorCode.INVERSION_NOT_FOUND, "no completed inversion '" + inversionId + "'");
            }
            status.queued();
            try (JobFiles files = JobFiles.create(config, editId)) {
                Path inversion = files.dir("inversion");
                for (String name : INVERSION_FILES) {
                    if (!store.downloadArtifact(inversionPrefix + name, inversion.resolve(name))) {
                        throw new JobFailure(ErrorCode.INVERSION_NOT_FOUND, "inversion '" + inversionId + "' has no " + name);
                    }
                }
                // a worker scaled up from zero consumes before its model is loaded: wait for it like a job
                if (!engine.awaitReady(config.model().loadTimeout())) {
                    throw new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "the model is not loaded");
                }
                job.checkCancelled();
                Path out = files.dir("out");
                status.running();
                ObjectNode written = render(inversion, edit.options(), out, p -> {
                    job.checkCancelled();
                    status.progress(p);
                });
                double seconds = status.seconds();
                metrics.engineTime(JobKind.EDIT, seconds);
                Path image = out.resolve(JobEngine.EDITED_IMAGE);
                if (!Files.isRegularFile(image)) {
                    throw new JobFailure(ErrorCode.ENGINE_ERROR, "the engine did not write " + JobEngine.EDITED_IMAGE);
                }
                store.upload(prefix + JobEngine.EDITED_IMAGE, image);
                store.uploadManifest(out, written, prefix);
                status.succeeded();
                return Events.editSucceeded(store, editId, inversionId, seconds, false);
            }
        } catch (JobFailure failure) {
            status.failed(failure);
            return Events.editFailed(editId, inversionId, failure);
        } catch (StorageUnavailable | SdkException e) {
            JobFailure failure = new JobFailure(ErrorCode.STORAGE_UNAVAILABLE, "S3: " + e.getMessage(), e);
            status.failed(failure);
            return Events.editFailed(editId, inversionId, failure);
        } catch (JobCancelled e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            JobFailure failure = new JobFailure(ErrorCode.WORKER_ERROR, "the worker failed: " + e, e);
            status.failed(failure);
            return Events.editFailed(editId, inversionId, failure);
        }
    }

    private ObjectNode render(Path inversion, EditOptions options, Path out, DoubleConsumer progress) throws JobFailure {
        try {
            return engine.edit(inversion, options, out, progress);
        } catch (JobCancelled e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_ERROR, "the engine failed: " + e, e);
        }
    }
}
