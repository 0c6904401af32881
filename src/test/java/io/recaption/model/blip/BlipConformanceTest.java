package io.recaption.model.blip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import io.recaption.Fixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java BLIP against transformers 5.18 on the reference fixture (see the shared reference README
 * for the cases): preprocessing, the vision tower, the decoder's logits, both tokenizer paths and
 * greedy captions with and without a prompt.
 */
@Tag("conformance")
class BlipConformanceTest {

    private static NDManager weights;
    private static BlipForConditionalGeneration model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        weights = NDManager.newBaseManager();
        model = BlipForConditionalGeneration.load(BlipFixtures.model(), weights);
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void pixelValuesMatchTheBlipProcessor() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = BlipImageProcessor.load(BlipFixtures.model()).preprocess(image(), manager);
            Fixtures.assertMaxAbs("blip.pixel_values", BlipFixtures.cases(manager).get("blip.pixel_values"), pixels, 1e-5);
        }
    }

    @Test
    void visionLastHiddenStateMatchesTransformers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = BlipFixtures.cases(manager);
            NDArray states = model.visionModel().forward(cases.get("blip.pixel_values"));
            Fixtures.assertMaxAbs("blip.vision.last_hidden_state", cases.get("blip.vision.last_hidden_state"), states, 1e-4);
        }
    }

    @Test
    void decoderLogitsMatchTransformersWithAndWithoutACache() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = BlipFixtures.cases(manager);
            NDArray ids = cases.get("blip.decoder.input_ids").toType(DataType.INT64, false);
            NDArray image = cases.get("blip.vision.last_hidden_state");
            NDArray expected = cases.get("blip.decoder.logits");
            BlipTextLMHeadModel decoder = model.textDecoder();
            Fixtures.assertMaxAbs("blip.decoder.logits", expected, decoder.forward(ids, image, null, false), 1e-4);
            // the same positions fed one at a time through the key/value cache
            long length = ids.getShape().get(1);
            try (DecoderCache cache = decoder.newCache(manager)) {
                for (long i = 0; i < length; i++) {
                    NDArray step = decoder.forward(ids.get(":, {}:{}", i, i + 1), image, cache, false);
                    Fixtures.assertMaxAbs("blip.decoder.logits (cached, " + i + ")",
                            expected.get(":, {}:{}, :", i, i + 1), step, 1e-4);
                }
            }
        }
    }

    @Test
    void tokenizerJsonPathReproducesTheReferenceIds() {
        try (BlipTokenizer tokenizer = BlipTokenizer.load(BlipFixtures.model())) {
            assertEquals(HuggingFaceBertTokenizer.class, tokenizer.getClass());
            assertTokenizerCases(tokenizer);
        }
    }

    @Test
    void vocabTxtPathReproducesTheReferenceIds() throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("vocab-only"), BlipTokenizer.TOKENIZER_JSON);
        try (BlipTokenizer tokenizer = BlipTokenizer.load(snapshot)) {
            assertEquals(WordPieceBertTokenizer.class, tokenizer.getClass());
            assertTokenizerCases(tokenizer);
        }
    }

    @Test
    void unconditionalCaptionMatchesTransformersIdsAndText() throws IOException {
        assertCaption("unconditional", BlipFixtures.model());
    }

    @Test
    void promptedCaptionMatchesTransformersIdsAndText() throws IOException {
        assertCaption("prompted", BlipFixtures.model());
    }

    @Test
    void captionsMatchTooWithTheJavaTokenizer() throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("vocab-only"), BlipTokenizer.TOKENIZER_JSON);
        assertCaption("unconditional", snapshot);
        assertCaption("prompted", snapshot);
    }

    @Test
    void decodingWithoutTheCacheGivesTheSameTokens() {
        JsonNode captions = BlipFixtures.casesJson().get("captions");
        int maxNewTokens = captions.get("max_new_tokens").asInt();
        try (NDManager manager = NDManager.newBaseManager();
                BlipTokenizer tokenizer = BlipTokenizer.load(BlipFixtures.model())) {
            NDArray pixels = BlipFixtures.cases(manager).get("blip.pixel_values");
            for (String name : new String[] {"unconditional", "prompted"}) {
                JsonNode caption = captions.get(name);
                long[] prompt = caption.has("prompt") ? tokenizer.encode(caption.get("prompt").asText()) : null;
                long[] ids = model.generate(pixels, prompt, GenerationSettings.of(maxNewTokens, 1).withCache(false));
                System.out.printf("conformance caption %-13s (no cache) %s%n", name, Arrays.toString(ids));
                assertArrayEquals(BlipFixtures.longs(caption.get("ids")), ids, name);
            }
        }
    }

    private static void assertTokenizerCases(BlipTokenizer tokenizer) {
        JsonNode cases = BlipFixtures.casesJson().get("tokenizer");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = cases.fields(); it.hasNext(); checked++) {
            Map.Entry<String, JsonNode> entry = it.next();
            assertArrayEquals(BlipFixtures.longs(entry.getValue()), tokenizer.encode(entry.getKey()),
                    tokenizer.kind() + ": " + entry.getKey());
        }
        System.out.printf("conformance tokenizer %-40s %d cases exact%n", tokenizer.kind(), checked);
        assertEquals(5, checked, "the fixture's tokenizer cases were all read");
    }

    /** The captioner end to end: image file → processor → generate → decode, ids and text exact. */
    private static void assertCaption(String name, Path snapshot) throws IOException {
        JsonNode captions = BlipFixtures.casesJson().get("captions");
        JsonNode expected = captions.get(name);
        String prompt = expected.has("prompt") ? expected.get("prompt").asText() : "";
        CaptionOptions options = new CaptionOptions(prompt, captions.get("max_new_tokens").asInt(), 1);
        try (BlipCaptioner captioner = BlipCaptioner.load(snapshot)) {
            BlipCaptioner.Caption caption = captioner.caption(image(), options);
            System.out.printf("conformance caption %-13s %s: %s \"%s\"%n", name, captioner.tokenizer().kind(),
                    Arrays.toString(caption.ids()), caption.text());
            assertArrayEquals(BlipFixtures.longs(expected.get("ids")), caption.ids(), name + " ids");
            assertEquals(expected.get("text").asText(), caption.text(), name + " text");
        }
    }

    private static BufferedImage image() throws IOException {
        return ImageIO.read(BlipFixtures.image().toFile());
    }
}
