package io.recaption.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.DoubleConsumer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code inversion-requests} → {@code inversion-events}: fetch the image, invert it with the engine, store
 * {@code inversions/{requestId}/} (manifest last) and answer. A request whose manifest already exists is
 * answered from it without running the engine.
 */
@ApplicationScoped
public class InversionWorker {

    /** The jobs' worker pool: one thread (see {@code smallrye.messaging.worker.recaption-jobs.max-concurrency}). */
    static final String POOL = "recaption-jobs";

    private static final List<String> ARTIFACTS = List.of(JobEngine.LATENTS, JobEngine.NULL_EMBEDDINGS, JobEngine.RECONSTRUCTION);

    private static final Logger LOG = Logger.getLogger(InversionWorker.class);

    private final JobRunner runner;
    private final RequestValidator validator;
    private final ArtifactStore store;
    private final JobEngine engine;
    private final JobMetrics metrics;
    private final RecaptionConfig config;
    private final Clock clock = Clock.systemUTC();

    public InversionWorker(JobRunner runner, RequestValidator validator, ArtifactStore store, JobEngine engine,
            JobMetrics metrics, RecaptionConfig config) {
        this.runner = runner;
        this.validator = validator;
        this.store = store;
        this.engine = engine;
        this.metrics = metrics;
        this.config = config;
    }

    @Incoming("inversion-requests")
    @Blocking(POOL)
    public CompletionStage<Void> onRequest(Message<byte[]> message) {
        return runner.handle(message, JobKind.INVERSION, RequestReader::inversion, WireRequests.Inversion::requestId, this::process);
    }

    ObjectNode process(WireRequests.Inversion request, RunningJob job) {
        String id = request.requestId();
        String prefix = store.inversionPrefix(id);
        StatusTracker status = new StatusTracker(store, prefix + ArtifactStore.STATUS, JobKind.INVERSION, id, null,
                config.jobs().statusInterval(), clock);
        try {
            Optional<JsonNode> manifest = store.readJson(prefix + JobEngine.MANIFEST);
            if (manifest.isPresent()) {
                double seconds = store.readJson(status.key()).map(s -> s.path("seconds").asDouble()).orElse(0.0);
                return Events.inversionSucceeded(store, id, manifest.get(), seconds, true);
            }
            InversionJob inversion = validator.inversion(request);
            status.queued();
            try (JobFiles files = JobFiles.create(config, id)) {
                Path image = files.file("input");
                store.downloadInput(inversion.image(), image, config.limits().maxImageBytes());
                ImageInspector.check(image, config.limits().maxImagePixels());
                // a worker scaled up from zero consumes before its model is loaded: wait for it like a job
                if (!engine.awaitReady(config.model().loadTimeout())) {
                    throw new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "the model is not loaded");
                }
                job.checkCancelled();
                Path out = files.dir("out");
                status.running();
                ObjectNode written = invert(inversion, image, out, p -> {
                    job.checkCancelled();
                    status.progress(p);
                });
                double seconds = status.seconds();
                metrics.engineTime(JobKind.INVERSION, seconds);
                for (String name : ARTIFACTS) {
                    Path file = out.resolve(name);
                    if (!Files.isRegularFile(file)) {
                        throw new JobFailure(ErrorCode.ENGINE_ERROR, "the engine did not write " + name);
                    }
                    store.upload(prefix + name, file);
                }
                store.uploadManifest(out, written, prefix);
                status.succeeded();
                return Events.inversionSucceeded(store, id, written, seconds, false);
            }
        } catch (JobFailure failure) {
            status.failed(failure);
            return Events.inversionFailed(id, failure);
        } catch (StorageUnavailable | SdkException e) {
            JobFailure failure = new JobFailure(ErrorCode.STORAGE_UNAVAILABLE, "S3: " + e.getMessage(), e);
            status.failed(failure);
            return Events.inversionFailed(id, failure);
        } catch (JobCancelled e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            JobFailure failure = new JobFailure(ErrorCode.WORKER_ERROR, "the worker failed: " + e, e);
            status.failed(failure);
            return Events.inversionFailed(id, failure);
        }
    }

    private ObjectNode invert(InversionJob inversion, Path image, Path out, DoubleConsumer progress)
            throws JobFailure {
        try {
            return engine.invert(image, inversion.caption(), inversion.options(), out, progress);
        } catch (JobCancelled e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_ERROR, "the engine failed: " + e, e);
        }
    }
}
