package io.recaption.model.blip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.blip.GenerationSettings.EarlyStopping;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beam search against transformers' {@code generate(num_beams, length_penalty, early_stopping)} on
 * 288 cases of beam-cases.json (made by make_beam_reference.py): 2–4 beams, length penalties 1, 0,
 * 2 and −1, early stopping false / true / "never", with and without a prompt, on the fixture model
 * with its [SEP] logit raised by 0 … 2.5 so that captions end at different lengths.
 */
@Tag("conformance")
class BlipBeamSearchTest {

    private static final String BIAS = "text_decoder.cls.predictions.bias";

    @TempDir
    Path tmp;

    @Test
    void beamSearchCaptionsMatchTransformersIdsAndText() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(BlipFixtures.root().resolve("beam-cases.json").toFile()).get("cases");
        Map<Double, List<JsonNode>> byBoost = new TreeMap<>();
        cases.forEach(c -> byBoost.computeIfAbsent(c.get("sep_boost").asDouble(), b -> new ArrayList<>()).add(c));
        int checked = 0;
        int ended = 0;
        for (Map.Entry<Double, List<JsonNode>> group : byBoost.entrySet()) {
            Path snapshot = boosted(group.getKey());
            try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager();
                    BlipTokenizer tokenizer = BlipTokenizer.load(snapshot)) {
                BlipForConditionalGeneration model = BlipForConditionalGeneration.load(snapshot, weights);
                NDArray pixels = BlipFixtures.cases(manager).get("blip.pixel_values");
                long sep = model.config().text().sepTokenId();
                for (JsonNode c : group.getValue()) {
                    String prompt = c.get("prompt").asText();
                    GenerationSettings settings = new GenerationSettings(c.get("max_new_tokens").asInt(),
                            c.get("num_beams").asInt(), c.get("length_penalty").asDouble(),
                            earlyStopping(c.get("early_stopping")), checked % 2 == 0); // half with the cache, half without
                    long[] ids = model.generate(pixels, prompt.isEmpty() ? null : tokenizer.encode(prompt), settings);
                    String label = "boost " + group.getKey() + ", " + settings + ", prompt «" + prompt + "»";
                    assertArrayEquals(BlipFixtures.longs(c.get("ids")), ids, label);
                    assertEquals(c.get("text").asText(), tokenizer.decode(ids), label);
                    checked++;
                    ended += ids[ids.length - 1] == sep ? 1 : 0;
                }
            }
        }
        System.out.printf("conformance beam search: %d cases exact (ids and text), %d ending at [SEP]%n", checked, ended);
        assertEquals(cases.size(), checked);
        assertTrue(ended > 50, "the cases exercise finished beams: " + ended);
    }

    private static EarlyStopping earlyStopping(JsonNode value) {
        if (value.isTextual()) {
            return EarlyStopping.valueOf(value.asText().toUpperCase(java.util.Locale.ROOT));
        }
        return value.asBoolean() ? EarlyStopping.TRUE : EarlyStopping.FALSE;
    }

    /** A copy of the fixture snapshot whose [SEP] logit bias is raised by {@code boost}, in float32 as torch adds it. */
    private Path boosted(double boost) throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("boost-" + boost), "model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsFile file = SafetensorsFile.open(BlipFixtures.model().resolve("model.safetensors"));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) {
                tensors.put(name, file.load(name, manager));
            }
            int sep = BlipConfig.read(BlipFixtures.model()).text().sepTokenId();
            float[] bias = tensors.get(BIAS).toFloatArray();
            bias[sep] += (float) boost;
            tensors.put(BIAS, manager.create(bias));
            SafetensorsWriter.write(snapshot.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        }
        return snapshot;
    }
}
