package io.recaption.lab.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.recaption.diffusion.PipelineKind;
import io.recaption.diffusion.StableDiffusionXL;
import io.recaption.diffusion.XlPromptEncoder;
import io.recaption.model.clip.ClipTextConfig;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.unet.UNet2DConditionConfig;
import io.recaption.model.weights.Snapshot;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class RandomXlSnapshotTest {

    @TempDir
    Path tmp;

    /** The tiny preset written whole: it loads as SDXL and encodes a caption to the widths its configs say. */
    @Test
    void theTinyPresetLoadsAsSdxl() throws Exception {
        Path dir = tmp.resolve("tiny-sdxl");
        RandomXlSnapshot.write(dir, RandomXlSnapshot.Preset.tinySdxl(), 3);
        assertEquals(PipelineKind.STABLE_DIFFUSION_XL, PipelineKind.of(dir));
        try (StableDiffusionXL model = StableDiffusionXL.load(dir, Precision.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            assertEquals(128, model.imageSize());
            XlPromptEncoder.Embeds embeds = model.promptEncoder().encode(List.of("a cat"), manager);
            assertEquals(new ai.djl.ndarray.types.Shape(1, 77, 80), embeds.promptEmbeds().getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(1, 40), embeds.pooled().getShape());
        }
        ClipTokenizer second = ClipTokenizer.load(dir.resolve("tokenizer_2"));
        assertEquals(0, second.padId(), "tokenizer_2 pads with '!'");
    }

    /** SDXL base's configs (without writing its 13 GB of weights): what the loaders read from them. */
    @Test
    void theSdxlPresetHasBasesConfigs() throws Exception {
        Path dir = tmp.resolve("sdxl");
        int vocabulary = RandomSnapshot.copyTokenizer(dir.resolve("tokenizer"));
        RandomSnapshot.copyTokenizer(dir.resolve("tokenizer_2"));
        RandomXlSnapshot.writeConfigs(dir, RandomXlSnapshot.Preset.sdxl(), vocabulary);
        Snapshot snapshot = Snapshot.open(dir);
        UNet2DConditionConfig unet = UNet2DConditionConfig.from(snapshot.config("unet"));
        assertEquals(List.of(320, 640, 1280), unet.blockOutChannels());
        assertEquals(List.of(1, 2, 10), unet.transformerLayersPerBlock());
        assertEquals(List.of(5, 10, 20), unet.attentionHeads());
        assertEquals(new UNet2DConditionConfig.TextTime(256, 2816), unet.textTime());
        assertEquals(List.of(2048, 2048, 2048), unet.crossAttentionDim());
        ClipTextConfig second = ClipTextConfig.from(snapshot.config("text_encoder_2"));
        assertArrayEquals(new int[] {1280, 32, 20, 1280, 2}, new int[] {second.hiddenSize(), second.numHiddenLayers(),
                second.numAttentionHeads(), second.projectionDim(), second.eosTokenId()});
        assertEquals(0.13025, io.recaption.model.vae.AutoencoderKLConfig.from(snapshot.config("vae")).scalingFactor(),
                0.0);
    }
}
