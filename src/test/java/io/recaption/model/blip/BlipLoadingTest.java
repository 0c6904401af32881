package io.recaption.model.blip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.Fixtures;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The strict loader on BLIP checkpoints: every wrong key named, the layouts and precisions that real snapshots use accepted. */
@Tag("unit")
class BlipLoadingTest {

    private static final String WEIGHTS = "model.safetensors";
    private static final String QKV = "vision_model.encoder.layers.1.self_attn.qkv.weight";
    private static final String WORDS = "text_decoder.bert.embeddings.word_embeddings.weight";

    @TempDir
    Path tmp;

    @Test
    void missingUnexpectedAndWronglyShapedKeysAreEachNamed() throws IOException {
        String missing = "text_decoder.bert.encoder.layer.0.crossattention.self.value.bias";
        String shaped = "vision_model.post_layernorm.weight";
        Path snapshot = rewrite("broken", (tensors, manager) -> {
            tensors.remove(missing);
            tensors.put("text_decoder.bert.pooler.dense.bias", manager.zeros(new Shape(32)));
            tensors.put(shaped, manager.ones(new Shape(31)));
        });
        WeightLoadException e = loadFails(snapshot);
        String message = e.getMessage();
        assertTrue(message.contains("missing (1)") && message.contains(missing + " (32)"), message);
        assertTrue(message.contains("unexpected (1)") && message.contains("text_decoder.bert.pooler.dense.bias"), message);
        assertTrue(message.contains("wrong shape (1)") && message.contains(shaped + ": expected (32), found (31)"), message);
    }

    @Test
    void aConfigWithMoreLayersThanTheWeightsNamesTheMissingLayer() throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("deeper"));
        Path config = snapshot.resolve("config.json");
        String json = Files.readString(config);
        // the vision tower's layer count only: its block is the one between "vision_config" and the end
        int vision = json.indexOf("\"vision_config\"");
        Files.writeString(config, json.substring(0, vision)
                + json.substring(vision).replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        WeightLoadException e = loadFails(snapshot);
        assertTrue(e.getMessage().contains("missing (12)")
                && e.getMessage().contains("vision_model.encoder.layers.2.self_attn.qkv.weight (96, 32)"), e.getMessage());
    }

    /** Hub checkpoints written by transformers 4 also store the tied LM head, its bias alias and position_ids. */
    @Test
    void theTransformers4LayoutWithTiedAliasesLoadsAndGivesTheSameLogits() throws IOException {
        Path snapshot = rewrite("transformers4", (tensors, manager) -> {
            tensors.put("text_decoder.cls.predictions.decoder.weight", tensors.get(WORDS).duplicate());
            tensors.put("text_decoder.cls.predictions.decoder.bias",
                    tensors.get("text_decoder.cls.predictions.bias").duplicate());
            tensors.put("text_decoder.bert.embeddings.position_ids", manager.arange(64L).reshape(1, 64));
        });
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            BlipForConditionalGeneration model = BlipForConditionalGeneration.load(snapshot, weights);
            Map<String, NDArray> cases = BlipFixtures.cases(manager);
            NDArray logits = model.textDecoder().forward(cases.get("blip.decoder.input_ids").toType(DataType.INT64, false),
                    cases.get("blip.vision.last_hidden_state"), null, false);
            Fixtures.assertMaxAbs("blip.decoder.logits (stored LM head)", cases.get("blip.decoder.logits"), logits, 1e-4);
        }
    }

    /** A stored LM head is the one used: changing it changes the logits (so the tie is not silently applied). */
    @Test
    void aStoredLmHeadWeightIsUsedAsStored() throws IOException {
        Path snapshot = rewrite("own-head", (tensors, manager) ->
                tensors.put("text_decoder.cls.predictions.decoder.weight", tensors.get(WORDS).mul(2)));
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            BlipForConditionalGeneration model = BlipForConditionalGeneration.load(snapshot, weights);
            Map<String, NDArray> cases = BlipFixtures.cases(manager);
            NDArray logits = model.textDecoder().forward(cases.get("blip.decoder.input_ids").toType(DataType.INT64, false),
                    cases.get("blip.vision.last_hidden_state"), null, false);
            double difference = Fixtures.maxAbsDiff(cases.get("blip.decoder.logits"), logits);
            System.out.printf("doubled LM head: logits differ by %.3f%n", difference);
            assertTrue(difference > 1, "the stored head was not used: " + difference);
        }
    }

    @Test
    void halfPrecisionWeightsLoadUpcast() throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("fp16"), WEIGHTS);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = fixtureTensors(manager);
            tensors.replaceAll((name, array) -> array.toType(DataType.FLOAT16, false));
            SafetensorsWriter.write(snapshot.resolve("model.fp16.safetensors"), tensors, Map.of("format", "pt"));
        }
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            BlipForConditionalGeneration model = BlipForConditionalGeneration.load(snapshot, weights);
            Map<String, NDArray> cases = BlipFixtures.cases(manager);
            NDArray states = model.visionModel().forward(cases.get("blip.pixel_values"));
            assertEquals(DataType.FLOAT32, states.getDataType());
            // fp16 keeps 11 significant bits: the states move by about 1e-3 of their scale, far inside 5e-2
            Fixtures.assertMaxAbs("vision states (fp16 weights)", cases.get("blip.vision.last_hidden_state"), states, 5e-2);
        }
    }

    @Test
    void aFolderWithoutWeightsOrConfigFailsClearly() throws IOException {
        Path noWeights = BlipFixtures.copyModel(tmp.resolve("no-weights"), WEIGHTS);
        WeightLoadException e = loadFails(noWeights);
        assertTrue(e.getMessage().contains("has no model.safetensors"), e.getMessage());
        Path noConfig = BlipFixtures.copyModel(tmp.resolve("no-config"), "config.json");
        String message = loadFails(noConfig).getMessage();
        assertTrue(message.contains("nor config.json"), message);
    }

    private WeightLoadException loadFails(Path snapshot) {
        try (NDManager weights = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> BlipForConditionalGeneration.load(snapshot, weights));
            assertEquals(0, weights.getManagedArrays().size(), "a failed load keeps no weights");
            System.out.println("refused: " + e.getMessage().replace("\n", " | "));
            return e;
        }
    }

    private static Map<String, NDArray> fixtureTensors(NDManager manager) {
        SafetensorsFile file = SafetensorsFile.open(BlipFixtures.model().resolve(WEIGHTS));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (String name : file.tensors().keySet()) {
            tensors.put(name, file.load(name, manager));
        }
        return tensors;
    }

    /** A copy of the fixture snapshot with its weights edited. */
    private Path rewrite(String name, BiConsumer<Map<String, NDArray>, NDManager> edit) throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve(name), WEIGHTS);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = fixtureTensors(manager);
            edit.accept(tensors, manager);
            SafetensorsWriter.write(snapshot.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        }
        return snapshot;
    }
}
