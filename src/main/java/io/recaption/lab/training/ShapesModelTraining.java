package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.diffusion.DdimScheduler;
import io.recaption.lab.snapshots.RandomSnapshot;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.Snapshot;
import io.recaption.lab.shapes.RenderSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The shapes model's training run: stage {@code vae} (the autoencoder alone), then stage {@code unet} (UNet
 * and text encoder jointly, through the denoising loss, over the frozen trained VAE). The run's folder holds
 * {@code model/} (a diffusers snapshot: configs and tokenizer from the start, each stage's weights when it
 * ends) and {@code checkpoints/} (see {@link Checkpoints}). Everything random is a function of the seed and
 * the step number, so a resumed run continues exactly where the interrupted one was.
 */
public final class ShapesModelTraining {

    public enum Stage { VAE, UNET, ALL }

    /** What to run; each stage runs until its step count (a resumed stage from where it stopped). */
    public record Options(Path out, Stage stage, long vaeSteps, long unetSteps, int batchSize, long seed, boolean resume,
            int checkpointEvery, int logEvery, double vaeLearningRate, double unetLearningRate) {}

    /** Steps of each stage run now, and their losses and time (empty when a stage was already done). */
    public record Report(Optional<TrainingLoop.Result> vae, Optional<TrainingLoop.Result> unet) {}

    static final String VAE = "vae";
    static final String UNET = "unet";
    static final String TEXT_ENCODER = "text_encoder";
    /** Data streams of the two stages differ, so the UNet never sees the VAE's exact batches in order. */
    private static final long UNET_DATA_STREAM = 0x5DEECE66DL;
    /** Batches drawn to estimate the latents' standard deviation (for the scaling factor). */
    private static final int SCALING_BATCHES = 4;

    private final Options options;
    private final PrintStream log;
    private final Path model;
    private final Checkpoints checkpoints;

    public ShapesModelTraining(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
        this.model = options.out().resolve("model");
        this.checkpoints = new Checkpoints(options.out().resolve("checkpoints"));
    }

    /** The snapshot folder the run writes. */
    public Path modelFolder() {
        return model;
    }

    public Report run() throws IOException {
        ShapesModelFolder.prepare(model, RandomSnapshot.Preset.shapes());
        Optional<Checkpoints.Saved> latest = options.resume() ? checkpoints.latest() : Optional.empty();
        Optional<TrainingLoop.Result> vae = Optional.empty();
        Optional<TrainingLoop.Result> unet = Optional.empty();
        if (options.stage() != Stage.UNET) {
            if (latest.isPresent() && latest.get().stage().equals(UNET)) {
                log.println("vae: done before (the latest checkpoint is of the unet stage)");
            } else {
                vae = Optional.of(trainVae(latest.filter(s -> s.stage().equals(VAE))));
            }
        }
        if (options.stage() != Stage.VAE) {
            unet = Optional.of(trainUnet(latest.filter(s -> s.stage().equals(UNET))));
        }
        return new Report(vae, unet);
    }

    private TrainingLoop.Result trainVae(Optional<Checkpoints.Saved> resumeFrom) throws IOException {
        RandomWeights generator = RandomWeights.trainable(options.seed());
        Snapshot generating = Snapshot.generating(model, generator);
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = Parameters.withGradients(() -> AutoencoderKL.load(generating, manager));
            Parameters parameters = new Parameters();
            parameters.add(VAE, generator.generated());
            generator.clear();
            AdamW optimizer = new AdamW(AdamW.Settings.defaults(), parameters, manager);
            long from = restore(resumeFrom, parameters, optimizer, manager);
            log.printf("vae: %d parameters (%.1f MB), steps %d → %d, batch %d%n", parameters.count(),
                    parameters.count() * 4 / 1e6, from, options.vaeSteps(), options.batchSize());
            ShapesBatches data = new ShapesBatches(options.seed(), RenderSettings.defaults());
            VaeTrainer objective = new VaeTrainer(vae, parameters, data,
                    VaeTrainer.Settings.training(options.batchSize(), options.seed()));
            TrainingLoop.Result result = loop(VAE, options.vaeLearningRate(), options.vaeSteps())
                    .run(objective, optimizer, from, options.vaeSteps(), checkpoints, manager, log);
            double scaling = 1 / latentStd(vae, manager);
            writeScalingFactor(scaling);
            parameters.save(VAE, model.resolve(VAE).resolve(UNet2DConditionModel.WEIGHTS_BASE_NAME + ".safetensors"));
            log.printf("vae: written, scaling_factor %.5f (1 / the latents' standard deviation)%n", scaling);
            return result;
        }
    }

    private TrainingLoop.Result trainUnet(Optional<Checkpoints.Saved> resumeFrom) throws IOException {
        Path vaeWeights = model.resolve(VAE).resolve(UNet2DConditionModel.WEIGHTS_BASE_NAME + ".safetensors");
        if (!Files.isRegularFile(vaeWeights)) {
            throw new IllegalStateException("the unet stage needs the trained VAE (" + vaeWeights
                    + "): run the vae stage first");
        }
        Snapshot snapshot = Snapshot.open(model);
        RandomWeights generator = RandomWeights.trainable(options.seed() + 1);
        Snapshot generating = Snapshot.generating(model, generator);
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(snapshot, manager);
            Parameters parameters = new Parameters();
            ClipTextModel text = Parameters.withGradients(() -> ClipTextModel.load(generating, manager));
            parameters.add(TEXT_ENCODER, generator.generated());
            generator.clear();
            UNet2DConditionModel unet = Parameters.withGradients(() -> UNet2DConditionModel.load(generating, manager));
            parameters.add(UNET, generator.generated());
            generator.clear();
            AdamW optimizer = new AdamW(AdamW.Settings.defaults(), parameters, manager);
            long from = restore(resumeFrom, parameters, optimizer, manager);
            log.printf("unet + text encoder: %d parameters (%.1f MB), steps %d → %d, batch %d%n", parameters.count(),
                    parameters.count() * 4 / 1e6, from, options.unetSteps(), options.batchSize());
            UNetTrainer.Models models = new UNetTrainer.Models(unet, text,
                    ClipTokenizer.load(snapshot.componentDir("tokenizer")), vae, DdimScheduler.load(snapshot));
            ShapesBatches data = new ShapesBatches(options.seed() ^ UNET_DATA_STREAM, RenderSettings.defaults());
            UNetTrainer objective = new UNetTrainer(models, parameters, data,
                    UNetTrainer.Settings.training(options.batchSize(), options.seed()));
            TrainingLoop.Result result = loop(UNET, options.unetLearningRate(), options.unetSteps())
                    .run(objective, optimizer, from, options.unetSteps(), checkpoints, manager, log);
            parameters.save(TEXT_ENCODER, model.resolve(TEXT_ENCODER).resolve(ClipTextModel.WEIGHTS_BASE_NAME + ".safetensors"));
            parameters.save(UNET, model.resolve(UNET).resolve(UNet2DConditionModel.WEIGHTS_BASE_NAME + ".safetensors"));
            log.printf("unet + text encoder: written to %s%n", model);
            return result;
        }
    }

    private long restore(Optional<Checkpoints.Saved> saved, Parameters parameters, AdamW optimizer, NDManager manager) {
        if (saved.isEmpty()) {
            return 0;
        }
        checkpoints.restore(saved.get(), parameters, optimizer, manager);
        log.printf("resumed from %s%n", saved.get().dir());
        return saved.get().step();
    }

    private TrainingLoop loop(String stage, double learningRate, long steps) {
        int warmup = (int) Math.min(100, Math.max(1, steps / 10));
        return new TrainingLoop(stage, learningRate, warmup, options.checkpointEvery(), options.logEvery());
    }

    /** Standard deviation of posterior means over a few batches (Rombach et al. 2022, §4.3.2: unit-variance latents). */
    private double latentStd(AutoencoderKL vae, NDManager manager) {
        ShapesBatches data = new ShapesBatches(options.seed() + 7, RenderSettings.defaults());
        return Parameters.withoutGradients(() -> {
            double sum = 0;
            double squares = 0;
            long n = 0;
            for (int i = 0; i < SCALING_BATCHES; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray mean = vae.encode(data.batch(i, options.batchSize()).pixels(scope)).mean();
                    sum += mean.sum().getFloat();
                    squares += mean.square().sum().getFloat();
                    n += mean.getShape().size();
                }
            }
            double average = sum / n;
            return Math.sqrt(Math.max(1e-12, squares / n - average * average));
        });
    }

    private void writeScalingFactor(double scaling) throws IOException {
        Path config = model.resolve(VAE).resolve("config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(config.toFile());
        node.put("scaling_factor", scaling);
        Path tmp = Files.createTempFile(config.getParent(), "config", ".tmp");
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), node);
        Files.move(tmp, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
