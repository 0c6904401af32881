package io.recaption.lab.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.recaption.diffusion.DdimScheduler;
import io.recaption.lab.snapshots.RandomSnapshot;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.Snapshot;
import io.recaption.lab.shapes.RenderSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class UNetTrainerTest {

    @Test
    void lossFallsWhenOverfittingOneBatchAtOneTimestep(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        ShapesModelFolder.prepare(model, RandomSnapshot.Preset.shapes());
        RandomWeights generator = RandomWeights.trainable(2);
        Snapshot generating = Snapshot.generating(model, generator);
        try (NDManager manager = NDManager.newBaseManager()) {
            // an untrained VAE (its latents are as good a fixed target as any) that takes no gradient
            AutoencoderKL vae = AutoencoderKL.load(Snapshot.generating(model, new RandomWeights(3)), manager);
            Parameters parameters = new Parameters();
            ClipTextModel text = Parameters.withGradients(() -> ClipTextModel.load(generating, manager));
            parameters.add("text_encoder", generator.generated());
            generator.clear();
            UNet2DConditionModel unet = Parameters.withGradients(() -> UNet2DConditionModel.load(generating, manager));
            parameters.add("unet", generator.generated());
            generator.clear();
            UNetTrainer.Models models = new UNetTrainer.Models(unet, text,
                    ClipTokenizer.load(model.resolve("tokenizer")), vae, DdimScheduler.load(Snapshot.open(model)));
            UNetTrainer objective = new UNetTrainer(models, parameters, new ShapesBatches(4, RenderSettings.defaults()),
                    new UNetTrainer.Settings(4, 4, 0.0, 500, n -> 0));
            AdamW optimizer = new AdamW(AdamW.Settings.defaults(), parameters, manager);
            List<Double> losses = new TrainingLoop("unet", 1e-3, 1, 1000, 10)
                    .run(objective, optimizer, 0, 40, null, manager, System.out).losses();
            double first = losses.get(0);
            double last = (losses.get(37) + losses.get(38) + losses.get(39)) / 3;
            System.out.printf("UNet overfit (t = 500): loss %.4f → %.4f over %d steps, %d parameters%n", first, last,
                    losses.size(), parameters.count());
            assertTrue(last < 0.5 * first, "loss " + first + " → " + last);
        }
    }
}
