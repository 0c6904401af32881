package io.recaption.lab.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.recaption.lab.snapshots.RandomSnapshot;
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
class VaeTrainerTest {

    @Test
    void lossFallsWhenOverfittingOneBatch(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        ShapesModelFolder.prepare(model, RandomSnapshot.Preset.shapes());
        RandomWeights generator = RandomWeights.trainable(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = Parameters.withGradients(
                    () -> AutoencoderKL.load(Snapshot.generating(model, generator), manager));
            Parameters parameters = new Parameters();
            parameters.add("vae", generator.generated());
            java.util.Map<String, float[]> before = new java.util.LinkedHashMap<>();
            parameters.component("vae").forEach((k, w) -> before.put(k, w.toFloatArray()));
            AdamW optimizer = new AdamW(AdamW.Settings.defaults(), parameters, manager);
            VaeTrainer objective = new VaeTrainer(vae, parameters, new ShapesBatches(3, RenderSettings.defaults()),
                    new VaeTrainer.Settings(4, 3, 1e-6, n -> 0));
            TrainingLoop loop = new TrainingLoop("vae", 1e-3, 1, 1000, 10);
            List<Double> losses = loop.run(objective, optimizer, 0, 40, null, manager, System.out).losses();
            double first = losses.get(0);
            double last = (losses.get(37) + losses.get(38) + losses.get(39)) / 3;
            System.out.printf("VAE overfit: loss %.4f → %.4f (L1 %.4f, KL %.1f) over %d steps, %d parameters%n",
                    first, last, objective.lastReconstruction(), objective.lastKl(), losses.size(), parameters.count());
            assertTrue(last < 0.5 * first, "loss " + first + " → " + last);
            // every weight moved, GroupNorm's (used through views made at load time) included
            parameters.component("vae").forEach((k, w) -> assertTrue(
                    !java.util.Arrays.equals(before.get(k), w.toFloatArray()), k + " never changed"));
        }
    }
}
