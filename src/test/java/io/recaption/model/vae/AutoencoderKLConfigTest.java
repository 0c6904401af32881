package io.recaption.model.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AutoencoderKLConfigTest {

    /** The SD 1.5 hub VAE config, which predates scaling_factor and the quant-conv switches. */
    private static final String SD15 = """
            {"_class_name": "AutoencoderKL", "_diffusers_version": "0.6.0", "act_fn": "silu",
             "block_out_channels": [128, 256, 512, 512],
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
             "in_channels": 3, "latent_channels": 4, "layers_per_block": 2, "norm_num_groups": 32,
             "out_channels": 3, "sample_size": 512,
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]}
            """;

    private static AutoencoderKLConfig parse(String json) {
        return AutoencoderKLConfig.from(JsonConfig.parse("vae/config.json", json));
    }

    private static String refusal(String json) {
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> parse(json));
        System.out.println("refused as expected: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void olderHubConfigTakesDiffusersDefaults() {
        AutoencoderKLConfig config = parse(SD15);
        assertArrayEquals(new int[] {128, 256, 512, 512}, config.blockOutChannels());
        assertEquals(0.18215, config.scalingFactor(), 0.0);
        assertTrue(config.useQuantConv() && config.usePostQuantConv() && config.midBlockAddAttention());
        assertEquals(8, config.downscaleFactor());
        assertEquals(2, config.layersPerBlock());
        assertEquals(parse(SD15), config);
    }

    @Test
    void explicitScalingFactorIsRead() {
        AutoencoderKLConfig config = parse(SD15.replace("\"sample_size\": 512", "\"sample_size\": 1024, \"scaling_factor\": 0.13025"));
        assertEquals(0.13025, config.scalingFactor(), 0.0);
        assertEquals(1024, config.sampleSize());
    }

    @Test
    void unsupportedOptionsAreRefusedByName() {
        assertTrue(refusal(SD15.replace("\"sample_size\": 512", "\"sample_size\": 512, \"shift_factor\": 0.1159"))
                .contains("shift_factor"));
        assertTrue(refusal(SD15.replace("\"sample_size\": 512", "\"sample_size\": 512, \"latents_mean\": [0.1]"))
                .contains("latents_mean"));
        assertTrue(refusal(SD15.replace("AutoencoderKL\"", "AutoencoderTiny\"")).contains("AutoencoderTiny"));
        assertTrue(refusal(SD15.replaceFirst("\"DownEncoderBlock2D\"", "\"AttnDownEncoderBlock2D\""))
                .contains("AttnDownEncoderBlock2D"));
        assertTrue(refusal(SD15.replaceFirst("\"UpDecoderBlock2D\", ", "")).contains("up_block_types"));
        assertTrue(refusal(SD15.replace("[128, 256, 512, 512]", "[128, 250, 512, 512]")).contains("250"));
        assertTrue(refusal(SD15.replace("\"act_fn\": \"silu\",", "")
                .replace("\"block_out_channels\": [128, 256, 512, 512],", "")).contains("block_out_channels"));
    }
}
