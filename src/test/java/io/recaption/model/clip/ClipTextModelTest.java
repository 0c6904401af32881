package io.recaption.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.Fixtures;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("conformance")
class ClipTextModelTest {

    private static final String WEIGHTS = "text_encoder/model.safetensors";
    private static final String NESTED = "text_model.";

    @TempDir
    Path tmp;

    @Test
    void lastHiddenStateMatchesTransformers() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray ids = cases.get("text_encoder.input_ids").toType(DataType.INT64, false);
            NDArray expected = cases.get("text_encoder.last_hidden_state");

            Fixtures.assertMaxAbs("text_encoder.last_hidden_state", expected, model.forward(ids), 1e-4);
            Fixtures.assertMaxAbs("text_encoder (int32 ids)", expected,
                    model.forward(ids.toType(DataType.INT32, false)), 1e-4);
            // one prompt at a time gives each row of the batch
            Fixtures.assertMaxAbs("text_encoder (batch of one)", expected.get("2:3"), model.forward(ids.get("2:3")), 1e-4);
        }
    }

    @Test
    void tokenizerAndEncoderTogetherReproduceTheReferenceIds() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTokenizer tokenizer = ClipTokenizer.load(Fixtures.tinySd().resolve("tokenizer"));
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            NDArray expectedIds = Fixtures.cases(manager).get("text_encoder.input_ids").toType(DataType.INT32, false);
            String[] prompts = {"", "a cat sitting next to a mirror", "a silver cat sculpture sitting next to a mirror"};
            int[] flat = Stream.of(prompts).flatMapToInt(p -> java.util.Arrays.stream(tokenizer.encode(p))).toArray();
            NDArray ids = manager.create(flat, new Shape(prompts.length, tokenizer.maxLength()));
            assertArrayEquals(expectedIds.toIntArray(), ids.toIntArray());
            assertEquals(new Shape(prompts.length, tokenizer.maxLength(), model.hiddenSize()), model.forward(ids).getShape());
        }
    }

    /**
     * Key weights: all 1 is the reference's encoder; a weight 0 on token k leaves every position up to k as it was
     * (nothing before k reads it, and k reads itself as before) and changes every later one, which no longer reads it.
     */
    @Test
    void keyWeightsHideATokenFromTheTokensAfterIt() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            NDArray ids = Fixtures.cases(manager).get("text_encoder.input_ids").toType(DataType.INT64, false).get("1:3");
            NDArray plain = model.forward(ids);
            float[][] ones = new float[2][77];
            java.util.Arrays.fill(ones[0], 1f);
            java.util.Arrays.fill(ones[1], 1f);
            Fixtures.assertMaxAbs("key weights of 1", plain, model.forward(ids, ones), 0);
            int k = 3;
            float[][] hidden = {ones[0].clone(), ones[1].clone()};
            hidden[1][k] = 0f;
            NDArray masked = model.forward(ids, hidden);
            Fixtures.assertMaxAbs("the unweighted caption", plain.get("0"), masked.get("0"), 0);
            Fixtures.assertMaxAbs("positions up to the hidden token", plain.get("1, :" + (k + 1)),
                    masked.get("1, :" + (k + 1)), 0);
            for (int q = k + 1; q < 77; q++) {
                float change = plain.get("1, " + q).sub(masked.get("1, " + q)).abs().max().getFloat();
                assertTrue(change > 1e-4, "position " + q + " still reads the hidden token: change " + change);
            }
            float[][] halved = {ones[0], hidden[1].clone()};
            halved[1][k] = 0.5f;
            float between = plain.get("1, " + (k + 1)).sub(model.forward(ids, halved).get("1, " + (k + 1))).abs().max()
                    .getFloat();
            float whole = plain.get("1, " + (k + 1)).sub(masked.get("1, " + (k + 1))).abs().max().getFloat();
            assertTrue(between > 0 && between < whole, "weight 0.5 changes less than 0: " + between + " vs " + whole);
            assertThrows(IllegalArgumentException.class, () -> model.forward(ids, new float[][] {ones[0]}));
        }
    }

    /**
     * Weight 0 against transformers: its attention_mask 0 on token k hides k from every query, k's own included, so
     * every position but k is the Java encoder's with k hidden from the tokens after it
     * ({@code reference/make_masked_text_encoder.py}).
     */
    @Test
    void hiddenTokenMatchesTransformersAttentionMask() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            Map<String, NDArray> c = Fixtures.tensors(Fixtures.reference().resolve("masked-text-encoder.safetensors"),
                    manager);
            NDArray ids = c.get("masked.input_ids").toType(DataType.INT64, false);
            int[] hidden = c.get("masked.hidden_token").toIntArray();
            float[][] keyWeights = new float[hidden.length][77];
            for (int row = 0; row < hidden.length; row++) {
                java.util.Arrays.fill(keyWeights[row], 1f);
                keyWeights[row][hidden[row]] = 0f;
            }
            NDArray expected = c.get("masked.last_hidden_state");
            NDArray actual = model.forward(ids, keyWeights);
            for (int row = 0; row < hidden.length; row++) {
                int k = hidden[row];
                Fixtures.assertMaxAbs("text_encoder, token " + k + " hidden: before", expected.get(row + ", :" + k),
                        actual.get(row + ", :" + k), 1e-4);
                Fixtures.assertMaxAbs("text_encoder, token " + k + " hidden: after", expected.get(row + ", " + (k + 1) + ":"),
                        actual.get(row + ", " + (k + 1) + ":"), 1e-4);
            }
        }
    }

    @Test
    void hiddenSizeComesFromTheConfig() {
        try (NDManager weights = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            JsonConfig config = JsonConfig.read(Fixtures.tinySd().resolve("text_encoder/config.json"));
            assertEquals(config.intValue("hidden_size"), model.hiddenSize());
            assertEquals(config.intValue("num_hidden_layers"), model.config().numHiddenLayers());
        }
    }

    @Test
    void forwardLeavesOnlyItsResultInTheCallersManager() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            int weightArrays = weights.getManagedArrays().size();
            NDArray ids = manager.zeros(new Shape(2, 77), DataType.INT64);
            int before = manager.getManagedArrays().size();
            NDArray out = model.forward(ids);
            assertEquals(before + 1, manager.getManagedArrays().size(), "arrays left in the caller's manager");
            assertEquals(manager, out.getManager());
            assertEquals(manager, ids.getManager());
            assertEquals(weightArrays, weights.getManagedArrays().size(), "arrays added to the weights' manager");
        }
    }

    /** The layout of SD 1.x/2.x snapshots: keys below text_model., with the position_ids buffer. */
    @Test
    void nestedCheckpointWithPositionIdsBufferMatchesToo() throws IOException {
        Path snapshot = rewriteWeights((tensors, manager) ->
                tensors.put("text_model.embeddings.position_ids", manager.arange(77L).reshape(1, 77)));
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(snapshot), weights);
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray ids = cases.get("text_encoder.input_ids").toType(DataType.INT64, false);
            Fixtures.assertMaxAbs("text_encoder (text_model.* keys)", cases.get("text_encoder.last_hidden_state"),
                    model.forward(ids), 1e-4);
        }
    }

    @Test
    void renamedWeightFailsNamingBothKeys() throws IOException {
        String key = "text_model.encoder.layers.1.mlp.fc1.weight";
        Path snapshot = rewriteWeights((tensors, manager) -> tensors.put("text_model.encoder.layers.1.mlp.fc_1.weight",
                tensors.remove(key)));
        WeightLoadException e = loadFails(snapshot);
        assertTrue(e.getMessage().contains("missing (1)") && e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected (1)") && e.getMessage().contains("mlp.fc_1.weight"), e.getMessage());
    }

    @Test
    void wronglyShapedWeightFailsNamingTheKeyAndShapes() throws IOException {
        String key = "text_model.final_layer_norm.weight";
        Path snapshot = rewriteWeights((tensors, manager) -> tensors.put(key, manager.ones(new Shape(31))));
        WeightLoadException e = loadFails(snapshot);
        assertTrue(e.getMessage().contains("wrong shape (1)") && e.getMessage().contains(key + ": expected (32), found (31)"),
                e.getMessage());
    }

    @Test
    void configThatDoesNotFitTheWeightsFails() throws IOException {
        Path snapshot = copyTextEncoder();
        Path config = snapshot.resolve("text_encoder/config.json");
        Files.writeString(config, Files.readString(config).replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        WeightLoadException e = loadFails(snapshot);
        // the fixture is in transformers 5.6's flat layout: the missing keys are named without text_model.
        assertTrue(e.getMessage().contains("missing (16)")
                && e.getMessage().contains("\n    encoder.layers.2.self_attn.q_proj.weight (32, 32)"), e.getMessage());
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Snapshot.open(Fixtures.tinySd()), weights);
            NDArray ids = manager.create(new long[] {0, model.config().vocabSize()}, new Shape(1, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(ids));
            assertTrue(e.getMessage().contains(String.valueOf(model.config().vocabSize())), e.getMessage());
            NDArray tooLong = manager.zeros(new Shape(1, model.config().maxPositionEmbeddings() + 1), DataType.INT64);
            assertThrows(IllegalArgumentException.class, () -> model.forward(tooLong));
        }
    }

    private WeightLoadException loadFails(Path snapshot) {
        try (NDManager weights = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> ClipTextModel.load(Snapshot.open(snapshot), weights));
            assertEquals(0, weights.getManagedArrays().size(), "a failed load keeps no weights");
            return e;
        }
    }

    /** A snapshot with model_index.json and text_encoder/ only. */
    private Path copyTextEncoder() throws IOException {
        Path root = tmp.resolve("snapshot");
        Files.createDirectories(root.resolve("text_encoder"));
        Files.copy(Fixtures.tinySd().resolve("model_index.json"), root.resolve("model_index.json"));
        for (String file : new String[] {"text_encoder/config.json", WEIGHTS}) {
            Files.copy(Fixtures.tinySd().resolve(file), root.resolve(file));
        }
        return root;
    }

    /**
     * The reference text encoder rewritten in the layout of every published SD checkpoint (keys
     * below {@code text_model.}; transformers 5.6+ saves them unprefixed, as the fixture is), then
     * edited.
     */
    private Path rewriteWeights(BiConsumer<Map<String, NDArray>, NDManager> edit) throws IOException {
        Path root = copyTextEncoder();
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsFile file = SafetensorsFile.open(Fixtures.tinySd().resolve(WEIGHTS));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) {
                tensors.put(NESTED + name, file.load(name, manager));
            }
            edit.accept(tensors, manager);
            SafetensorsWriter.write(root.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        }
        return root;
    }
}
