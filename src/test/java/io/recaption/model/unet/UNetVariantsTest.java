package io.recaption.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.Fixtures;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths the shared cases do not reach, against diffusers' outputs in {@code src/test/resources/unet-variants}:
 * a latent not divisible by 8 (explicit upsample sizes), a fractional timestep, config options that
 * change the computation but not the weights, and several transformer layers per block.
 */
@Tag("conformance")
class UNetVariantsTest extends TinySdUnetTest {

    private static final String WEIGHTS = UNet2DConditionModel.WEIGHTS_BASE_NAME + ".safetensors";

    @TempDir
    Path tmp;

    private static Path folder() {
        return Fixtures.reference().resolveSibling("unet-variants");
    }

    private static SafetensorsFile variants() {
        return SafetensorsFile.open(folder().resolve("unet-variants.safetensors"));
    }

    @Test
    void latentNotDivisibleByEightMatchesDiffusers() {
        SafetensorsFile variants = variants();
        try (NDManager scope = manager.newSubManager()) {
            NDArray context = input("unet.encoder_hidden_states", scope).get("0:1");
            NDArray out = unet.forward(variants.load("odd.sample", scope), 501, context);
            Fixtures.assertMaxAbs("odd.out_t501 (36×44 latent)", variants.load("odd.out_t501", scope), out, 1e-4);
        }
    }

    @Test
    void fractionalTimestepMatchesDiffusers() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = unet.forward(input("unet.sample", scope), 500.5f, input("unet.encoder_hidden_states", scope));
            Fixtures.assertMaxAbs("fractional.out_t500_5", variants().load("fractional.out_t500_5", scope), out, 1e-4);
        }
    }

    @Test
    void configVariantMatchesDiffusers() throws IOException {
        // the edits make_unet_variants.py applies (VARIANT there)
        Path source = Fixtures.tinySd().resolve("unet");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(source.resolve("config.json").toFile());
        config.put("downsample_padding", 0).put("mid_block_scale_factor", 1.41421).put("center_input_sample", true)
                .put("freq_shift", 1).put("flip_sin_to_cos", false).put("upcast_attention", true);
        json.writeValue(tmp.resolve("config.json").toFile(), config);
        Files.copy(source.resolve(WEIGHTS), tmp.resolve(WEIGHTS));

        SafetensorsFile variants = variants();
        try (NDManager scope = manager.newSubManager();
                UNet2DConditionModel variant = UNet2DConditionModel.load(Snapshot.open(tmp), scope)) {
            NDArray context = input("unet.encoder_hidden_states", scope).get("0:1");
            NDArray out = variant.forward(variants.load("odd.sample", scope), 501, context);
            Fixtures.assertMaxAbs("variant.out_t501", variants.load("variant.out_t501", scope), out, 1e-4);
        }
    }

    @Test
    void twoTransformerLayersPerBlockMatchDiffusers() {
        SafetensorsFile variants = variants();
        try (NDManager scope = manager.newSubManager();
                UNet2DConditionModel layered = UNet2DConditionModel.load(
                        Snapshot.open(folder().resolve("tiny-unet-transformer-layers")), scope)) {
            assertEquals(List.of(1, 2), layered.config().transformerLayersPerBlock());
            // level 1 (down block 1, the mid block, up block 0) has two BasicTransformerBlocks per transformer
            assertTrue(layered.attentionLayers().stream()
                    .anyMatch(a -> a.path().equals("mid_block.attentions.0.transformer_blocks.1.attn2")));
            NDArray context = input("unet.encoder_hidden_states", scope).get("0:1");
            NDArray out = layered.forward(variants.load("layered.sample", scope), 301, context);
            Fixtures.assertMaxAbs("layered.out_t301", variants.load("layered.out_t301", scope), out, 1e-4);
        }
    }
}
