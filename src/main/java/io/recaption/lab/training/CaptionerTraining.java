package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.model.blip.BlipForConditionalGeneration;
import io.recaption.model.blip.BlipImageProcessor;
import io.recaption.model.blip.BlipTokenizer;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The shapes world's captioner training run: a small {@link BlipForConditionalGeneration} (sizes
 * {@link CaptionerFolder.Config}) trained from scratch on fresh scenes with BLIP's captioning loss
 * ({@link CaptionerTrainer}) and {@link AdamW}, the rate warmed up and then decayed on a half cosine to zero.
 * The run's folder holds {@code model/} (a transformers snapshot: configs and tokenizer from the start,
 * {@code model.safetensors} at the end) and {@code checkpoints/} ({@link Checkpoints}; {@code --resume}
 * continues exactly: data and weights depend only on the seed and the step).
 */
public final class CaptionerTraining {

    /** What to run. */
    public record Options(Path out, CaptionerFolder.Config config, long steps, int batchSize, long seed,
            double learningRate, boolean resume, int checkpointEvery, int logEvery) {}

    static final String STAGE = "captioner";
    private static final String POSITIONS = "vision_model.embeddings.position_embedding";
    /** The data's stream differs from the diffusion model's stages, whose seeds are the same small numbers. */
    private static final long DATA_STREAM = 0xB11FL;

    private final Options options;
    private final PrintStream log;
    private final Path model;
    private final Checkpoints checkpoints;

    public CaptionerTraining(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
        this.model = options.out().resolve("model");
        this.checkpoints = new Checkpoints(options.out().resolve("checkpoints"));
    }

    /** The snapshot folder the run writes. */
    public Path modelFolder() {
        return model;
    }

    public TrainingLoop.Result run() throws IOException {
        if (!options.resume() || !Files.isRegularFile(model.resolve("config.json"))) {
            CaptionerFolder.prepare(model, options.config());
        }
        RandomWeights generator = RandomWeights.trainable(options.seed());
        Snapshot generating = Snapshot.generating(model, generator);
        try (NDManager manager = NDManager.newBaseManager();
                BlipTokenizer tokenizer = BlipTokenizer.load(model)) {
            BlipForConditionalGeneration blip = Parameters.withGradients(
                    () -> BlipForConditionalGeneration.load(generating, manager));
            Parameters parameters = new Parameters();
            parameters.add(STAGE, generator.generated());
            generator.clear();
            initialiseLayerNorms(parameters.component(STAGE));
            initialisePositions(parameters.component(STAGE).get(POSITIONS), options.config());
            AdamW optimizer = new AdamW(AdamW.Settings.defaults(), parameters, manager);
            long from = 0;
            Optional<Checkpoints.Saved> latest = options.resume() ? checkpoints.latest() : Optional.empty();
            if (latest.isPresent()) {
                checkpoints.restore(latest.get(), parameters, optimizer, manager);
                from = latest.get().step();
                log.printf("resumed from %s%n", latest.get().dir());
            }
            log.printf("captioner: %d parameters (%.1f MB), steps %d → %d, batch %d%n", parameters.count(),
                    parameters.count() * 4 / 1e6, from, options.steps(), options.batchSize());
            CaptionerTrainer objective = new CaptionerTrainer(blip, BlipImageProcessor.load(model), tokenizer, parameters,
                    options.seed() ^ DATA_STREAM, options.batchSize(), options.config().labelSmoothing());
            int warmup = (int) Math.min(200, Math.max(1, options.steps() / 10));
            TrainingLoop loop = new TrainingLoop(STAGE, options.learningRate(), warmup, options.checkpointEvery(),
                    options.logEvery(), options.steps());
            TrainingLoop.Result result = loop.run(objective, optimizer, from, options.steps(), checkpoints, manager, log);
            parameters.save(STAGE, model.resolve(BlipForConditionalGeneration.WEIGHTS_BASE_NAME + ".safetensors"));
            writeRecord(result);
            log.printf("captioner: written to %s%n", model);
            return result;
        }
    }

    /**
     * LayerNorm scales 1 and shifts 0, as torch initialises them: the generator recognises norms by a lower-case
     * "norm" in the key, which BERT's {@code LayerNorm} keys do not have.
     */
    private static void initialiseLayerNorms(Map<String, NDArray> weights) {
        Parameters.withoutGradients(() -> {
            weights.forEach((key, w) -> {
                if (key.contains("LayerNorm.")) {
                    w.muli(0);
                    if (key.endsWith(".weight")) {
                        w.addi(1);
                    }
                }
            });
            return null;
        });
    }

    /**
     * The vision tower's position embeddings [1, 1 + g², D] start as the fixed 2-D sine-cosine embedding of the
     * patch grid (MAE, He et al. 2022, {@code get_2d_sincos_pos_embed}: half the channels encode the row, half the
     * column, each as sin and cos of the position at geometric frequencies 1/10000^(2i/(D/2))), the class token's
     * zero; then trained. Drawn at random (N(0, 0.02²)) they left the places unlearned: a first run named colours,
     * kinds and sizes (0.985 of 1,000 fresh scenes) but got a place wrong in 63 % of them, mostly "at the left".
     */
    private static void initialisePositions(NDArray positions, CaptionerFolder.Config config) {
        int dim = config.visionHidden();
        int grid = io.recaption.lab.shapes.RenderSettings.defaults().size() / config.patch();
        float[] values = new float[(1 + grid * grid) * dim];
        int quarter = dim / 4;
        for (int row = 0; row < grid; row++) {
            for (int column = 0; column < grid; column++) {
                int base = (1 + row * grid + column) * dim;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1 / Math.pow(10000, i / (double) quarter);
                    values[base + i] = (float) Math.sin(row * omega);
                    values[base + quarter + i] = (float) Math.cos(row * omega);
                    values[base + 2 * quarter + i] = (float) Math.sin(column * omega);
                    values[base + 3 * quarter + i] = (float) Math.cos(column * omega);
                }
            }
        }
        Parameters.withoutGradients(() -> {
            try (NDManager scratch = positions.getManager().newSubManager()) {
                Parameters.copyInto(positions, scratch.create(values, positions.getShape()), POSITIONS);
            }
            return null;
        });
    }

    /** {@code training.json} beside the weights: how they were made (not read by any loader). */
    private void writeRecord(TrainingLoop.Result result) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode node = json.createObjectNode();
        node.put("objective", "BLIP captioning LM loss, label smoothing " + options.config().labelSmoothing());
        node.put("steps", options.steps());
        node.put("batch", options.batchSize());
        node.put("seed", options.seed());
        node.put("learningRate", options.learningRate());
        node.put("schedule", "linear warmup, then half cosine to zero");
        int tail = Math.min(100, result.losses().size());
        double last = result.losses().subList(result.losses().size() - tail, result.losses().size()).stream()
                .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        node.put("meanLossOfLastSteps", last);
        node.put("secondsThisSitting", result.seconds());
        Files.writeString(options.out().resolve("training.json"), json.writeValueAsString(node) + "\n");
    }
}
