package io.recaption.worker.engine;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.PhotoCaptioner;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.RequestValidator;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.WorkerGates;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The worker's captioning model, for inversion requests that come without a caption: the BLIP snapshot at
 * {@code recaption.captioner.path}, loaded once in the background as the worker starts, beside the diffusion
 * model and under the same rules ({@link WorkerGates}: nothing is consumed until both are loaded, and a failed
 * load is reported by startup and liveness like the model's). Unset, the worker has none: such requests are
 * refused with {@link ErrorCode#CAPTION_REQUIRED} by the request validator before anything runs.
 *
 * <p>Kept apart from the {@link JobEngine} so that any engine — the test engine included — inverts the same
 * caption the same way: the worker captions, the engine inverts what it is given.
 */
@ApplicationScoped
public class WorkerCaptioner {


    private static final Logger LOG = Logger.getLogger(WorkerCaptioner.class);

    private final Optional<Path> folder;
    private final Optional<BackgroundLoad<PhotoCaptioner>> loading;

    @Inject
    public WorkerCaptioner(RecaptionConfig config) {
        this(config.captioner().path().map(String::strip).filter(p -> !p.isEmpty()).map(Path::of),
                new ImageFiles.Limits(config.limits().maxImageBytes(), config.limits().maxImagePixels()));
    }

    WorkerCaptioner(Optional<Path> folder, ImageFiles.Limits limits) {
        this.folder = folder;
        this.loading = folder.map(snapshot -> new BackgroundLoad<>(() -> {
            long start = System.nanoTime();
            PhotoCaptioner captioner = PhotoCaptioner.load(snapshot, limits);
            LOG.infof("captioner %s loaded in %.1f s", captioner.identity(), (System.nanoTime() - start) / 1e9);
            return captioner;
        }));
    }

    /** Whether this worker captions photos that come without a caption. */
    public boolean configured() {
        return folder.isPresent();
    }

    /** Loaded, or none configured (nothing to wait for); the first call starts loading it. */
    public boolean ready() {
        return loading.map(BackgroundLoad::ready).orElse(true);
    }

    /** Why the configured captioner could not be loaded, once its loading has failed. */
    public Optional<String> loadFailure() {
        return loading.flatMap(BackgroundLoad::failure).map(why -> "captioner: " + why);
    }

    /**
     * The captioning model's caption of the image in {@code imageFile}.
     *
     * @throws JobFailure {@link ErrorCode#CAPTION_REQUIRED} when no captioner is configured (the validator refuses
     *     such requests first), {@link ErrorCode#ENGINE_UNAVAILABLE} when it is not loaded, and the engine's
     *     refusals (an image that cannot be decoded, an empty caption) with their codes
     */
    public InversionCaption caption(Path imageFile) throws JobFailure {
        if (loading.isEmpty()) {
            throw new JobFailure(ErrorCode.CAPTION_REQUIRED, RequestValidator.CAPTION_REQUIRED);
        }
        PhotoCaptioner captioner;
        try {
            captioner = loading.get().future().join();
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "the captioning model is not loaded");
        }
        try {
            long start = System.nanoTime();
            InversionCaption caption = captioner.caption(Files.readAllBytes(imageFile));
            LOG.infof("captioned by %s in %.1f s: \"%s\"", caption.captioner(), (System.nanoTime() - start) / 1e9,
                    LogSafe.text(caption.text()));
            return caption;
        } catch (InputRejectedException e) {
            throw Refusals.failure(e);
        } catch (IOException e) {
            LOG.error("cannot read the job's input", e);
            throw new JobFailure(ErrorCode.WORKER_ERROR, "cannot read the job's input", e);
        }
    }

    @PreDestroy
    void close() {
        loading.ifPresent(load -> load.close(PhotoCaptioner::close));
    }
}
