package io.recaption.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.artifacts.ImageFiles;
import io.recaption.artifacts.InversionFiles;
import io.recaption.pipeline.Recaptioner;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.editing.EditSettings;
import io.recaption.inversion.InversionSettings;
import io.recaption.model.weights.WeightLoadException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleConsumer;
import org.jboss.logging.Logger;

/**
 * The worker's engine: the Java Stable Diffusion pipeline on the snapshot at {@code recaption.model.path},
 * loaded once in the background (readiness stays down until it is) and serving every job after.
 */
@ApplicationScoped
public class StableDiffusionJobEngine implements JobEngine {

    private static final Logger LOG = Logger.getLogger(StableDiffusionJobEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RecaptionConfig config;

    private volatile CompletableFuture<Recaptioner> loading;

    /** Starts loading the model if nobody has; the readiness check and the preloader call this. */
    @Override
    public boolean ready() {
        CompletableFuture<Recaptioner> future = load();
        return future.isDone() && !future.isCompletedExceptionally();
    }

    @Override
    public boolean awaitReady(java.time.Duration timeout) {
        try {
            load().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized CompletableFuture<Recaptioner> load() {
        if (loading == null) {
            Path folder = Path.of(config.model().path());
            long limitPixels = config.limits().maxImagePixels();
            long limitBytes = config.limits().maxImageBytes();
            loading = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                StableDiffusion model = StableDiffusion.load(folder);
                LOG.infof("model %s loaded in %.1f s (%d×%d images)", folder.toAbsolutePath(),
                        (System.nanoTime() - start) / 1e9, model.imageSize(), model.imageSize());
                return new Recaptioner(model, new ImageFiles.Limits(limitBytes, limitPixels));
            });
            loading.whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.errorf("the model at %s cannot be loaded: %s", folder.toAbsolutePath(), error.getMessage());
                }
            });
        }
        return loading;
    }

    private Recaptioner recaptioner() throws JobFailure {
        CompletableFuture<Recaptioner> future = load();
        try {
            return future.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "the model cannot be loaded: " + cause.getMessage());
        }
    }

    @Override
    public synchronized ObjectNode invert(Path imageFile, String caption, InversionOptions options, Path outDir,
            DoubleConsumer progress) throws JobFailure {
        Recaptioner recaptioner = recaptioner();
        InversionSettings settings = new InversionSettings(options.method(), options.steps(),
                (float) options.guidanceScale(), options.innerSteps(), options.earlyStopEpsilon(),
                InversionSettings.defaults().learningRate(), options.truncateCaption());
        try {
            byte[] image = Files.readAllBytes(imageFile);
            return recaptioner.invert(image, caption, settings, outDir, new PhaseProgress(
                    PhaseProgress.inversionWork(settings), progress));
        } catch (InputRejectedException e) {
            throw failure(e);
        } catch (IOException | WeightLoadException e) {
            throw new JobFailure(ErrorCode.WORKER_ERROR, "cannot read or write the job's files: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized ObjectNode edit(Path inversionDir, EditOptions options, Path outDir, DoubleConsumer progress)
            throws JobFailure {
        Recaptioner recaptioner = recaptioner();
        Map<String, Float> emphasis = new LinkedHashMap<>();
        options.emphasis().forEach((word, factor) -> emphasis.put(word, factor.floatValue()));
        EditSettings settings = EditSettings.defaults().withCrossReplaceSteps(options.crossReplaceSteps())
                .withSelfReplaceSteps(options.selfReplaceSteps());
        try {
            Files.createDirectories(outDir);
            ObjectNode manifest = recaptioner.edit(inversionDir, new Recaptioner.EditRequest(options.caption(), emphasis,
                    options.localBlend()), settings, outDir.resolve(EDITED_IMAGE), new PhaseProgress(
                    Map.of("sampling", 1.0), progress));
            InversionFiles.writeAtomically(outDir.resolve(MANIFEST),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            return manifest;
        } catch (InputRejectedException e) {
            throw failure(e);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.WORKER_ERROR, "cannot read or write the job's files: " + e.getMessage(), e);
        }
    }

    /** The engine's refusal codes as the worker's failure codes. */
    static JobFailure failure(InputRejectedException e) {
        ErrorCode code = switch (e.code()) {
            case "EMPTY_IMAGE" -> ErrorCode.NOT_AN_IMAGE;
            case "INVALID_FACTOR", "UNKNOWN_BLEND_WORD" -> ErrorCode.INVALID_OPTIONS;
            case "UNKNOWN_EMPHASIS_WORD" -> ErrorCode.EMPHASIS_WORD_NOT_IN_CAPTION;
            default -> {
                try {
                    yield ErrorCode.valueOf(e.code());
                } catch (IllegalArgumentException unknown) {
                    yield ErrorCode.INVALID_OPTIONS;
                }
            }
        };
        return new JobFailure(code, e.getMessage(), e);
    }

    @PreDestroy
    void close() {
        CompletableFuture<Recaptioner> future = loading;
        if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
            future.join().model().close();
        }
    }

    /**
     * Turns the engine's phases (step i of n) into one fraction 0..1 of the whole job, each phase
     * weighted by its share of the UNet work.
     */
    static final class PhaseProgress implements ProgressListener {

        private final Map<String, Double> work;
        private final double total;
        private final DoubleConsumer sink;
        private final Map<String, Double> done = new LinkedHashMap<>();

        PhaseProgress(Map<String, Double> work, DoubleConsumer sink) {
            this.work = work;
            this.total = work.values().stream().mapToDouble(Double::doubleValue).sum();
            this.sink = sink;
        }

        /** UNet passes of each phase of an inversion (a forward+backward counted as two). */
        static Map<String, Double> inversionWork(InversionSettings s) {
            Map<String, Double> work = new LinkedHashMap<>();
            work.put("ddim-inversion", (double) s.steps());
            switch (s.method()) {
                case NULL_TEXT -> work.put("null-text", s.steps() * (2.0 + 3.0 * s.innerSteps()));
                case GLOBAL_NULL_TEXT -> work.put("global-null-text", s.steps() * 4.0 * s.innerSteps());
                case DIRECT -> work.put("direct-offsets", 2.0 * s.steps());
                default -> { }
            }
            work.put("sampling", 2.0 * s.steps());
            return work;
        }

        @Override
        public void onStep(String phase, int step, int steps, double loss) {
            Double weight = work.get(phase);
            if (weight == null || total <= 0) {
                return;
            }
            done.put(phase, weight * step / steps);
            double sum = done.values().stream().mapToDouble(Double::doubleValue).sum();
            sink.accept(Math.min(1.0, sum / total));
        }
    }
}
