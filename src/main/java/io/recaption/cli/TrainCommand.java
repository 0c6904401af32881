package io.recaption.cli;

import io.recaption.lab.training.CaptionerFolder;
import io.recaption.lab.training.CaptionerTraining;
import io.recaption.lab.training.ShapesModelTraining;
import io.recaption.model.nn.ProcessMemory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train}: train the shapes world's model (VAE, then UNet + text encoder) into a diffusers snapshot, or
 * (stage {@code captioner}) the world's BLIP captioner into a transformers snapshot.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the bundled shapes model on this machine: stage 'vae' (reconstruction + small KL), stage"
                + " 'unet' (epsilon objective, 10 %% empty captions; the text encoder is trained jointly), or 'all'."
                + " Stage 'captioner' trains the bundled captioner instead (a small BLIP, captioning loss on fresh"
                + " scenes). Writes the snapshot to OUT/model (loads like any SD or BLIP snapshot) and checkpoints to"
                + " OUT/checkpoints; --resume continues from the latest checkpoint exactly.")
public class TrainCommand implements Callable<Integer> {

    /** The bundled model's recipe (README, "The bundled model"). */
    static final long VAE_STEPS = 3000;
    static final long UNET_STEPS = 25000;
    /** The bundled captioner's recipe (README, "The bundled captioner"). */
    static final long CAPTIONER_STEPS = 2500;
    static final int CAPTIONER_BATCH = 32;

    @Option(names = "--out", required = true, description = "run folder (model/ and checkpoints/ inside)")
    Path out;

    @Option(names = "--stage", defaultValue = "all",
            description = "vae | unet | all | captioner (default: ${DEFAULT-VALUE})")
    String stage;

    @Option(names = "--steps", description = "optimizer steps of each stage (sets --vae-steps and --unet-steps)")
    Long steps;

    @Option(names = "--vae-steps", description = "optimizer steps of the vae stage (default: " + VAE_STEPS
            + ", the bundled model's)")
    Long vaeSteps;

    @Option(names = "--unet-steps", description = "optimizer steps of the unet stage (default: " + UNET_STEPS
            + ", the bundled model's)")
    Long unetSteps;

    @Option(names = "--captioner-steps", description = "optimizer steps of the captioner (default: " + CAPTIONER_STEPS
            + ", the bundled captioner's)")
    Long captionerSteps;

    @Option(names = "--batch", description = "images per step (default: 16; the captioner: " + CAPTIONER_BATCH + ")")
    Integer batch;

    @Option(names = "--seed", defaultValue = "0", description = "seed of weights, data and noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--resume", description = "continue from OUT/checkpoints/latest")
    boolean resume;

    @Option(names = "--checkpoint-every", defaultValue = "200", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--log-every", defaultValue = "10", description = "steps between loss lines (default: ${DEFAULT-VALUE})")
    int logEvery;

    @Option(names = "--lr-vae", defaultValue = "5e-4", description = "VAE learning rate (default: ${DEFAULT-VALUE})")
    double vaeLearningRate;

    @Option(names = "--lr-unet", defaultValue = "3e-4", description = "UNet and text encoder learning rate (default: ${DEFAULT-VALUE})")
    double unetLearningRate;

    @Option(names = "--lr-captioner", defaultValue = "1e-3",
            description = "the captioner's peak learning rate, decayed on a half cosine (default: ${DEFAULT-VALUE})")
    double captionerLearningRate;

    @Override
    public Integer call() throws Exception {
        if (stage.equalsIgnoreCase("captioner")) {
            return trainCaptioner();
        }
        ShapesModelTraining.Stage which = ShapesModelTraining.Stage.valueOf(stage.toUpperCase(Locale.ROOT));
        long start = System.nanoTime();
        long vae = vaeSteps != null ? vaeSteps : steps != null ? steps : VAE_STEPS;
        long unet = unetSteps != null ? unetSteps : steps != null ? steps : UNET_STEPS;
        ShapesModelTraining training = new ShapesModelTraining(new ShapesModelTraining.Options(out, which, vae, unet,
                batch != null ? batch : 16, seed, resume, checkpointEvery, logEvery, vaeLearningRate, unetLearningRate), System.out);
        training.run();
        System.out.printf("trained in %.1f s, peak RSS %d MB; snapshot: %s%n", (System.nanoTime() - start) / 1e9,
                ProcessMemory.peakResidentMegabytes(), training.modelFolder().toAbsolutePath());
        return 0;
    }

    private int trainCaptioner() throws Exception {
        long start = System.nanoTime();
        long n = captionerSteps != null ? captionerSteps : steps != null ? steps : CAPTIONER_STEPS;
        CaptionerTraining training = new CaptionerTraining(new CaptionerTraining.Options(out,
                CaptionerFolder.Config.shapes(), n, batch != null ? batch : CAPTIONER_BATCH, seed, captionerLearningRate,
                resume, checkpointEvery, logEvery), System.out);
        training.run();
        System.out.printf("trained in %.1f s, peak RSS %d MB; snapshot: %s%n", (System.nanoTime() - start) / 1e9,
                ProcessMemory.peakResidentMegabytes(), training.modelFolder().toAbsolutePath());
        return 0;
    }
}
