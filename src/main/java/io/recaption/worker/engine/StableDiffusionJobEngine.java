package io.recaption.worker.engine;

import io.recaption.protocol.UnetBudget;
import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.DiffusionModel;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.diffusion.Phase;
import io.recaption.diffusion.ProgressListener;
import io.recaption.editing.EditSettings;
import io.recaption.inversion.InversionSettings;
import io.recaption.model.nn.Precision;
import io.recaption.model.weights.WeightLoadException;
import io.recaption.pipeline.EditManifest;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.ModelIdentity;
import io.recaption.pipeline.Recaptioner;
import io.recaption.protocol.EditOptions;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionOptions;
import io.recaption.protocol.JobFailure;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.WorkerGates;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The worker's engine: the Java Stable Diffusion pipeline on the snapshot at {@code recaption.model.path},
 * loaded once in the background (readiness stays down until it is) and serving every job after. A failed load
 * is final for this process: {@link WorkerGates} reports it and ends the process, and the restarted container
 * loads again.
 */
@ApplicationScoped
public class StableDiffusionJobEngine implements JobEngine {

    private static final Logger LOG = Logger.getLogger(StableDiffusionJobEngine.class);

    @Inject
    RecaptionConfig config;

    private volatile BackgroundLoad<Recaptioner> loading;

    @Override
    public boolean ready() {
        return load().ready();
    }

    @Override
    public Optional<String> loadFailure() {
        return load().failure();
    }

    @Override
    public ModelIdentity model() {
        return load().future().join().identity();
    }

    private synchronized BackgroundLoad<Recaptioner> load() {
        if (loading == null) {
            Path folder = Path.of(config.model().path());
            String name = config.model().name().orElse(null);
            ImageFiles.Limits limits = new ImageFiles.Limits(config.limits().maxImageBytes(), config.limits().maxImagePixels());
            String dtype = config.model().dtype();
            loading = new BackgroundLoad<>(() -> {
                long start = System.nanoTime();
                Precision precision;
                try {
                    precision = Precision.parse(dtype);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("recaption.model.dtype: " + e.getMessage(), e);
                }
                DiffusionModel model = DiffusionModel.load(folder, precision);
                ModelIdentity identity = ModelIdentity.of(folder, name);
                LOG.infof("model %s (%s) loaded in %.1f s (%d×%d images, %s)", identity.name(), identity.hash(),
                        (System.nanoTime() - start) / 1e9, model.imageSize(), model.imageSize(), precision);
                return new Recaptioner(model, limits, identity);
            });
        }
        return loading;
    }

    private Recaptioner recaptioner() throws JobFailure {
        try {
            return load().future().join();
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "the model is not loaded");
        }
    }

    @Override
    public synchronized InversionManifest invert(Path imageFile, InversionCaption caption, InversionOptions options, Path outDir,
            JobProgress progress) throws JobFailure {
        Recaptioner recaptioner = recaptioner();
        InversionSettings settings = new InversionSettings(options.method(), options.steps(),
                (float) options.guidanceScale(), options.innerSteps(), options.earlyStopEpsilon(),
                InversionSettings.defaults().learningRate(), options.truncateCaption());
        try {
            byte[] image = Files.readAllBytes(imageFile);
            return recaptioner.invert(image, caption, settings, outDir, new PhaseProgress(
                    UnetBudget.inversionWork(settings.method(), settings.steps(), settings.innerSteps()), progress));
        } catch (InputRejectedException e) {
            throw Refusals.failure(e);
        } catch (IOException | WeightLoadException e) {
            LOG.error("cannot read or write the job's files", e);
            throw new JobFailure(ErrorCode.WORKER_ERROR, "cannot read or write the job's files", e);
        }
    }

    @Override
    public synchronized EditManifest edit(Path inversionDir, EditOptions options, Path outDir, JobProgress progress)
            throws JobFailure {
        Recaptioner recaptioner = recaptioner();
        Map<String, Float> emphasis = new LinkedHashMap<>();
        options.emphasis().forEach((word, factor) -> emphasis.put(word, factor.floatValue()));
        EditSettings settings = EditSettings.defaults().withCrossReplaceSteps(options.crossReplaceSteps())
                .withSelfReplaceSteps(options.selfReplaceSteps());
        try {
            Files.createDirectories(outDir);
            EditManifest manifest = recaptioner.edit(inversionDir, new Recaptioner.EditRequest(options.caption(), emphasis,
                    options.localBlend(), options.localBlendExcept()), settings, outDir.resolve(EDITED_IMAGE), new PhaseProgress(
                    Map.of(Phase.SAMPLING, 1.0), progress));
            Manifests.write(outDir, manifest);
            return manifest;
        } catch (InputRejectedException e) {
            throw Refusals.failure(e);
        } catch (IOException e) {
            LOG.error("cannot read or write the job's files", e);
            throw new JobFailure(ErrorCode.WORKER_ERROR, "cannot read or write the job's files", e);
        }
    }

    @PreDestroy
    void close() {
        if (loading != null) {
            loading.close(recaptioner -> recaptioner.model().close());
        }
    }

    /**
     * Turns the engine's phases (step i of n) into one fraction 0..1 of the whole job, each phase
     * weighted by its share of the UNet work ({@link UnetBudget}).
     */
    static final class PhaseProgress implements ProgressListener {

        private final Map<Phase, Double> work;
        private final double total;
        private final JobProgress sink;
        private final Map<Phase, Double> done = new EnumMap<>(Phase.class);

        PhaseProgress(Map<Phase, Double> work, JobProgress sink) {
            this.work = work;
            this.total = work.values().stream().mapToDouble(Double::doubleValue).sum();
            this.sink = sink;
        }

        @Override
        public void onStep(Phase phase, int step, int steps, double loss) {
            Double weight = work.get(phase);
            if (weight == null || total <= 0) {
                return;
            }
            done.put(phase, weight * step / steps);
            double sum = done.values().stream().mapToDouble(Double::doubleValue).sum();
            sink.report(Math.min(1.0, sum / total), phase.label());
        }
    }
}
