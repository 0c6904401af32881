package io.recaption.editing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusionXL;
import io.recaption.model.nn.Precision;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prompt-to-Prompt on SDXL against what diffusers' {@code StableDiffusionXLPipeline} renders for each caption alone
 * (there is no SDXL Prompt-to-Prompt reference: huggingface/diffusers#4563 never merged). With empty control windows
 * an edit is plain sampling of both captions, so the [source, edited] batch, each image's pooled embedding and time
 * ids, and the empty prompt's zeros for both ∅ branches must give the pipeline's two images (max abs 1e-3, as SD's
 * sampling cases). With the default windows the source image stays the pipeline's and the edited one moves off it.
 */
@Tag("conformance")
class XlPromptToPromptConformanceTest {

    @Test
    void anEditIsThePipelinesSamplingOutsideItsWindowsAndMovesWithin() throws IOException {
        List<String> captions = new java.util.ArrayList<>();
        new ObjectMapper().readTree(Fixtures.referenceSdxl().resolve("sdxl-cases.json").toFile()).path("captions")
                .forEach(c -> captions.add(c.asText()));
        try (StableDiffusionXL model = StableDiffusionXL.load(Fixtures.tinySdxl(), Precision.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.tensors(Fixtures.referenceSdxl().resolve("sdxl-cases.safetensors"),
                    manager);
            NDArray start = cases.get("sdxl.sample.start");
            NDArray nulls = model.unconditional(manager).context().repeat(0, 4); // zeros, 4 steps
            // "a cat sitting next to a mirror" → "a silver cat sculpture sitting next to a mirror": a refinement
            CaptionEdit edit = CaptionEdit.derive(captions.get(0), captions.get(1), Map.of(), List.of());
            EditSettings plain = EditSettings.defaults().withCrossReplaceSteps(0).withSelfReplaceSteps(0);
            NDArray out = new Editor(model).edit(start, nulls, null, edit, plain, ProgressListener.NONE).latents();
            Fixtures.assertMaxAbs("sdxl edit, empty windows: source", cases.get("sdxl.sample.latents"), out.get("0:1"),
                    1e-3);
            Fixtures.assertMaxAbs("sdxl edit, empty windows: edited", cases.get("sdxl.sample.latents_1"),
                    out.get("1:2"), 1e-3);

            NDArray controlled = new Editor(model).edit(start, nulls, null, edit, EditSettings.defaults(),
                    ProgressListener.NONE).latents();
            Fixtures.assertMaxAbs("sdxl edit, default windows: source", cases.get("sdxl.sample.latents"),
                    controlled.get("0:1"), 1e-3);
            double moved = Fixtures.maxAbsDiff(cases.get("sdxl.sample.latents_1"), controlled.get("1:2"));
            System.out.printf("sdxl edit, default windows: edited image moved %.3e from plain sampling%n", moved);
            assertTrue(moved > 5e-3, "the controller changed the edited image by " + moved);
        }
    }
}
