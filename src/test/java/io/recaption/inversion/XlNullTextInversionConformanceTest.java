package io.recaption.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusionXL;
import io.recaption.model.nn.Precision;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Null-text inversion on SDXL, through the path users run (Inverter with the product's defaults, the case's step
 * counts), against the community NullTextPipeline's own loops given SDXL's conditioning
 * ({@code reference-sdxl/make_sdxl_reference.py}): ∅ starts from the zeros of force_zeros_for_empty_prompt, the
 * pooled embeddings and time ids stay as built. Tolerances as SD's case: z_0, trajectory and reconstruction max abs
 * 1e-3, ∅ relative L2 1e-2.
 */
@Tag("conformance")
class XlNullTextInversionConformanceTest {

    @Test
    void inversionOptimizationAndReconstructionMatchTheReference() throws IOException {
        JsonNode settings = new ObjectMapper().readTree(Fixtures.referenceSdxl().resolve("sdxl-cases.json").toFile())
                .path("tensors").path("sdxl.nti.settings");
        int steps = settings.path("steps").asInt();
        try (StableDiffusionXL model = StableDiffusionXL.load(Fixtures.tinySdxl(), Precision.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.tensors(Fixtures.referenceSdxl().resolve("sdxl-cases.safetensors"),
                    manager);
            assertEquals(128, model.imageSize());
            NDArray pixels = ImageFiles.toPixels(ImageIO.read(Fixtures.referenceSdxl().resolve("chelsea-128.png")
                    .toFile()), model.imageSize(), manager);
            InversionSettings user = InversionSettings.defaults().withSteps(steps)
                    .withInnerSteps(settings.path("inner_steps").asInt());
            assertEquals(settings.path("guidance_scale").asDouble(), user.guidance(), 0.0, "default guidance");
            Inverter.Inversion result = new Inverter(model).invert(pixels,
                    Caption.of(model.tokenizer(), settings.path("caption").asText(), false), user, ProgressListener.NONE);
            Fixtures.assertMaxAbs("sdxl.nti.z0", cases.get("sdxl.nti.z0"), result.z0(), 1e-3);
            Fixtures.assertMaxAbs("sdxl.nti.ddim_trajectory z_T", cases.get("sdxl.nti.ddim_trajectory").get(steps)
                    .expandDims(0), result.zT(), 1e-3);
            NDArray expected = cases.get("sdxl.nti.null_embeddings");
            Fixtures.assertRelativeL2("sdxl.nti.null_embeddings", expected.reshape(result.nullEmbeddings().getShape()),
                    result.nullEmbeddings(), 1e-2);
            assertTrue(result.nullEmbeddings().abs().max().getFloat() > 1e-3, "∅ moved off the zeros it started from");
            Fixtures.assertMaxAbs("sdxl.nti.reconstruction_latent", cases.get("sdxl.nti.reconstruction_latent"),
                    result.reconstructionLatent(), 1e-3);
        }
    }
}
