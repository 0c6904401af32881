package io.recaption.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.Fixtures;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTextModelWithProjection;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SDXL's text conditioning against diffusers' {@code StableDiffusionXLPipeline} on the tiny SDXL snapshot
 * ({@code reference-sdxl/make_sdxl_reference.py}): both tokenizers from vocab.json + merges.txt (the second padding
 * with "!"), both encoders' penultimate states, the pooled projection, {@code encode_prompt} and its unconditional
 * branch either way of {@code force_zeros_for_empty_prompt}, and {@code _get_add_time_ids}. Tolerances as SD's text
 * encoder: max abs 1e-4.
 */
@Tag("conformance")
class XlPromptEncoderConformanceTest {

    private static final double TOLERANCE = 1e-4;
    private static NDManager weights;
    private static NDManager manager;
    private static Map<String, NDArray> cases;
    private static JsonNode json;
    private static Snapshot snapshot;

    @BeforeAll
    static void load() throws IOException {
        weights = NDManager.newBaseManager();
        manager = NDManager.newBaseManager();
        cases = Fixtures.tensors(Fixtures.referenceSdxl().resolve("sdxl-cases.safetensors"), manager);
        json = new ObjectMapper().readTree(Fixtures.referenceSdxl().resolve("sdxl-cases.json").toFile());
        snapshot = Snapshot.open(Fixtures.tinySdxl());
    }

    @AfterAll
    static void close() {
        manager.close();
        weights.close();
    }

    @Test
    void bothTokenizersGiveTheReferenceIds() {
        ClipTokenizer tokenizer = ClipTokenizer.load(snapshot.componentDir("tokenizer"));
        ClipTokenizer tokenizer2 = ClipTokenizer.load(snapshot.componentDir("tokenizer_2"));
        for (JsonNode c : json.path("tokenizer_cases")) {
            String caption = c.path("caption").asText();
            assertArrayEquals(ints(c.path("input_ids")), tokenizer.encode(caption), "tokenizer: '" + caption + "'");
            assertArrayEquals(ints(c.path("input_ids_2")), tokenizer2.encode(caption), "tokenizer_2: '" + caption + "'");
        }
        assertEquals(0, tokenizer2.padId(), "tokenizer_2 pads with '!'");
    }

    @Test
    void encodersMatchTransformers() {
        ClipTextModel first = ClipTextModel.load(snapshot, ClipTextModel.COMPONENT, weights, Precision.FLOAT32);
        ClipTextModelWithProjection second = ClipTextModelWithProjection.load(snapshot, weights, Precision.FLOAT32);
        NDArray ids = cases.get("sdxl.input_ids").toType(DataType.INT64, false);
        NDArray ids2 = cases.get("sdxl.input_ids_2").toType(DataType.INT64, false);
        ClipTextModel.HiddenStates states = first.hiddenStates(ids, null);
        Fixtures.assertMaxAbs("sdxl.text_encoder.penultimate", cases.get("sdxl.text_encoder.penultimate"),
                states.penultimate(), TOLERANCE);
        // the last state is the plain forward's, as before
        Fixtures.assertMaxAbs("text_encoder last == forward", first.forward(ids), states.last(), 0);
        ClipTextModelWithProjection.Output out = second.forward(ids2, null);
        Fixtures.assertMaxAbs("sdxl.text_encoder_2.penultimate", cases.get("sdxl.text_encoder_2.penultimate"),
                out.penultimate(), TOLERANCE);
        Fixtures.assertMaxAbs("sdxl.text_encoder_2.text_embeds", cases.get("sdxl.text_encoder_2.text_embeds"),
                out.textEmbeds(), TOLERANCE);
    }

    @Test
    void encodePromptMatchesThePipeline() {
        XlPromptEncoder encoder = XlPromptEncoder.load(snapshot, weights, Precision.FLOAT32);
        assertTrue(encoder.forceZerosForEmptyPrompt(), "model_index.json says force_zeros_for_empty_prompt");
        List<String> captions = List.of(json.path("captions").get(0).asText(), json.path("captions").get(1).asText());
        XlPromptEncoder.Embeds embeds = encoder.encode(captions, manager);
        for (int i = 0; i < captions.size(); i++) {
            Fixtures.assertMaxAbs("sdxl.encode_prompt." + i + ".prompt_embeds",
                    cases.get("sdxl.encode_prompt." + i + ".prompt_embeds"), embeds.promptEmbeds().get(i + ":" + (i + 1)),
                    TOLERANCE);
            Fixtures.assertMaxAbs("sdxl.encode_prompt." + i + ".pooled_prompt_embeds",
                    cases.get("sdxl.encode_prompt." + i + ".pooled_prompt_embeds"), embeds.pooled().get(i + ":" + (i + 1)),
                    TOLERANCE);
        }
        XlPromptEncoder.Embeds zeros = encoder.unconditional(2, manager);
        assertEquals(embeds.promptEmbeds().getShape(), zeros.promptEmbeds().getShape());
        assertEquals(embeds.pooled().getShape(), zeros.pooled().getShape());
        assertEquals(0f, zeros.promptEmbeds().abs().sum().getFloat() + zeros.pooled().abs().sum().getFloat());

        XlPromptEncoder encodedEmpty = new XlPromptEncoder(ClipTokenizer.load(snapshot.componentDir("tokenizer")),
                ClipTokenizer.load(snapshot.componentDir("tokenizer_2")),
                ClipTextModel.load(snapshot, ClipTextModel.COMPONENT, weights, Precision.FLOAT32),
                ClipTextModelWithProjection.load(snapshot, weights, Precision.FLOAT32), false);
        XlPromptEncoder.Embeds empty = encodedEmpty.unconditional(1, manager);
        Fixtures.assertMaxAbs("sdxl.encode_prompt.empty.negative_prompt_embeds",
                cases.get("sdxl.encode_prompt.empty.negative_prompt_embeds"), empty.promptEmbeds(), TOLERANCE);
        Fixtures.assertMaxAbs("sdxl.encode_prompt.empty.negative_pooled_prompt_embeds",
                cases.get("sdxl.encode_prompt.empty.negative_pooled_prompt_embeds"), empty.pooled(), TOLERANCE);
    }

    @Test
    void timeIdsAreThePipelines() {
        NDArray ids = new XlTimeIds(120, 128, 4, 0, 128, 128).toArray(1, manager);
        Fixtures.assertMaxAbs("sdxl.add_time_ids", cases.get("sdxl.add_time_ids"), ids, 0);
        assertEquals(2, XlTimeIds.uncropped(64, 96).toArray(2, manager).getShape().get(0));
    }

    /**
     * The whole sampling chain on SDXL: encode_prompt, zeros for the unconditional branch, the default time ids of a
     * 128² render, the text_time UNet through {@link GuidedDenoiser}'s added conditioning, and DDIM from the published
     * Euler config, against {@code StableDiffusionXLPipeline} with {@code DDIMScheduler.from_config(clip_sample=False)}:
     * max abs 1e-3, as SD's sampling cases.
     */
    @Test
    void ddimSamplingMatchesThePipeline() {
        JsonNode settings = json.path("tensors").path("sdxl.sample.settings");
        int steps = settings.path("steps").asInt();
        XlPromptEncoder encoder = XlPromptEncoder.load(snapshot, weights, Precision.FLOAT32);
        io.recaption.model.unet.UNet2DConditionModel unet = io.recaption.model.unet.UNet2DConditionModel.load(snapshot,
                weights);
        try (NDManager run = manager.newSubManager()) {
            XlPromptEncoder.Embeds cond = encoder.encode(List.of(settings.path("caption").asText()), run);
            XlPromptEncoder.Embeds uncond = encoder.unconditional(1, run);
            NDArray timeIds = XlTimeIds.uncropped(128, 128).toArray(1, run);
            GuidedDenoiser denoiser = new GuidedDenoiser(unet,
                    new GuidedDenoiser.AddedConditioning(uncond.pooled(), cond.pooled(), timeIds));
            NDArray nulls = uncond.promptEmbeds().repeat(0, steps);
            NDArray latents = new Sampler(denoiser, DdimScheduler.load(snapshot)).run(new Sampler.Request(
                    cases.get("sdxl.sample.start"), cond.promptEmbeds(), nulls, (float) settings.path("guidance_scale")
                            .asDouble(), null, StepHook.NONE), ProgressListener.NONE);
            Fixtures.assertMaxAbs("sdxl.sample.latents", cases.get("sdxl.sample.latents"), latents, 1e-3);
            assertEquals(2L * steps, denoiser.evaluations());
        }
    }

    /** StableDiffusion (SD 1.x/2.x; benchmark and evaluate load it) refuses an SDXL snapshot by what it is. */
    @Test
    void theSdPipelineRefusesAnSdxlSnapshotNamingIt() {
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> StableDiffusion.load(Fixtures.tinySdxl()));
        assertTrue(e.getMessage().contains("Stable Diffusion XL") && e.getMessage().contains("text_time")
                && e.getMessage().contains("1.x or 2.x") && e.getMessage().contains("invert, edit and serve take SDXL"),
                e.getMessage());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
