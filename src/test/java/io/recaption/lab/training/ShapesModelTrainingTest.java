package io.recaption.lab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.editing.CaptionEdit;
import io.recaption.editing.EditSettings;
import io.recaption.editing.Editor;
import io.recaption.inversion.InversionSettings;
import io.recaption.inversion.Inverter;
import io.recaption.lab.shapes.RenderSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ShapesModelTrainingTest {

    private static final String[] WEIGHT_FILES = {
        "vae/diffusion_pytorch_model.safetensors",
        "unet/diffusion_pytorch_model.safetensors",
        "text_encoder/model.safetensors"};

    private static ShapesModelTraining.Options options(Path out, ShapesModelTraining.Stage stage, long steps,
            boolean resume) {
        return new ShapesModelTraining.Options(out, stage, steps, steps, 2, 5, resume, 2, 1, 5e-4, 3e-4);
    }

    private static void train(ShapesModelTraining.Options options) throws IOException {
        new ShapesModelTraining(options, new PrintStream(System.out)).run();
    }

    @Test
    void resumingGivesTheSameWeightsAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        train(options(straight, ShapesModelTraining.Stage.ALL, 4, false));
        // interrupted after 2 steps of each stage, then continued to 4
        train(options(resumed, ShapesModelTraining.Stage.VAE, 2, false));
        train(options(resumed, ShapesModelTraining.Stage.VAE, 4, true));
        train(options(resumed, ShapesModelTraining.Stage.UNET, 2, false));
        train(options(resumed, ShapesModelTraining.Stage.UNET, 4, true));
        for (String file : WEIGHT_FILES) {
            assertArrayEquals(Files.readAllBytes(straight.resolve("model").resolve(file)),
                    Files.readAllBytes(resumed.resolve("model").resolve(file)), file);
        }
        assertEquals(Files.readString(straight.resolve("model/vae/config.json")),
                Files.readString(resumed.resolve("model/vae/config.json")));
        // and training did change the weights: a run of 2 steps differs
        Path shorter = dir.resolve("shorter");
        train(options(shorter, ShapesModelTraining.Stage.VAE, 2, false));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(straight.resolve("model").resolve(WEIGHT_FILES[0])),
                Files.readAllBytes(shorter.resolve("model").resolve(WEIGHT_FILES[0]))));
    }

    @Test
    void trainedSnapshotLoadsStrictlyAndInvertsAndEdits(@TempDir Path dir) throws Exception {
        train(options(dir, ShapesModelTraining.Stage.ALL, 2, false));
        try (StableDiffusion model = StableDiffusion.load(dir.resolve("model"));
                NDManager manager = NDManager.newBaseManager()) {
            assertEquals(64, model.imageSize());
            ShapesBatches.Batch batch = new ShapesBatches(11, RenderSettings.defaults()).batch(0, 1);
            NDArray pixels = batch.pixels(manager);
            String source = batch.captions().get(0);
            Caption caption = Caption.of(model.tokenizer(), source, false);
            Inverter.Inversion inversion = new Inverter(model).invert(pixels, caption,
                    InversionSettings.defaults().withSteps(4).withInnerSteps(2), ProgressListener.NONE);
            String[] words = source.split(" ");
            // swap the first colour word for another colour of the grammar
            String edited = source.replaceFirst(" (red|green|blue|yellow|white|black|orange|purple) ",
                    source.contains(" purple ") ? " red " : " purple ");
            assertEquals(words.length, edited.split(" ").length);
            CaptionEdit edit = CaptionEdit.derive(source, edited, Map.of(), List.of());
            NDArray latents = new Editor(model).edit(inversion.zT(), inversion.nullEmbeddings(), inversion.directOffsets(),
                    edit, EditSettings.defaults(), ProgressListener.NONE).latents();
            assertEquals(2, latents.getShape().get(0), "source and edit");
            assertTrue(latents.isInfinite().logicalOr(latents.isNaN()).none().getBoolean(), "finite latents");
        }
    }
}
