package io.recaption.model.blip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's contracts: options checked once, an identity a manifest can record, no memory left behind. */
@Tag("unit")
class BlipCaptionerTest {

    @TempDir
    Path tmp;

    @Test
    void optionsAreCheckedWhereTheyAreMade() {
        assertEquals("a picture of", new CaptionOptions("  a picture of ", 20, 1).prompt());
        assertEquals("", new CaptionOptions(null, 20, 1).prompt());
        assertThrows(IllegalArgumentException.class, () -> new CaptionOptions("", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new CaptionOptions("", CaptionOptions.MAX_NEW_TOKENS + 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CaptionOptions("", 20, 0));
        assertTrue(e.getMessage().contains("beams"), e.getMessage());
    }

    @Test
    void theIdentityNamesTheFolderAndChangesWithAnyConfig() throws IOException {
        Path copy = BlipFixtures.copyModel(tmp.resolve("captioner-a"));
        BlipModelIdentity original = BlipModelIdentity.of(BlipFixtures.model());
        BlipModelIdentity copied = BlipModelIdentity.of(copy);
        assertEquals("model", original.name());
        assertEquals("captioner-a", copied.name());
        assertEquals(original.configSha256(), copied.configSha256(), "same files, same hash");
        for (String file : new String[] {"config.json", "generation_config.json", "preprocessor_config.json",
            "tokenizer_config.json", "vocab.txt"}) {
            Path edited = BlipFixtures.copyModel(tmp.resolve("edited-" + file));
            Files.writeString(edited.resolve(file), Files.readString(edited.resolve(file)) + " ");
            assertNotEquals(original.configSha256(), BlipModelIdentity.of(edited).configSha256(), file);
        }
        assertTrue(copied.toString().matches("captioner-a@sha256:[0-9a-f]{12}"), copied.toString());
    }

    @Test
    void theTextConfigTakesTheVisionWidthForCrossAttention() throws IOException {
        Path snapshot = BlipFixtures.copyModel(tmp.resolve("width"));
        Path config = snapshot.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"encoder_hidden_size\": 32", "\"encoder_hidden_size\": 768"));
        assertEquals(32, BlipConfig.read(snapshot).text().encoderHiddenSize(), "as BlipConfig.__post_init__ does");
        Files.writeString(config, Files.readString(config).replace("\"model_type\": \"blip\"", "\"model_type\": \"clip\""));
        assertThrows(WeightLoadException.class, () -> BlipConfig.read(snapshot));
    }

    /** Each decoding step runs in its own scope: a caption leaves no array in the weights' or the caller's manager. */
    @Test
    void generationLeavesNoArraysBehind() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            BlipForConditionalGeneration model = BlipForConditionalGeneration.load(BlipFixtures.model(), weights);
            NDArray pixels = BlipFixtures.cases(manager).get("blip.pixel_values");
            int weightArrays = countArrays(weights);
            int callerArrays = countArrays(manager);
            for (GenerationSettings settings : new GenerationSettings[] {GenerationSettings.of(12, 1),
                GenerationSettings.of(12, 3), GenerationSettings.of(12, 3).withCache(false)}) {
                model.generate(pixels, null, settings);
                assertEquals(weightArrays, countArrays(weights), "arrays added below the weights' manager: " + settings);
                assertEquals(callerArrays, countArrays(manager), "arrays left in the caller's manager: " + settings);
            }
        }
    }

    /**
     * Within one caption, each step frees its intermediates and the cache replaces its tensors rather than
     * adding to them: the arrays alive after step k are as many as after step 1, with and without a cache.
     */
    @Test
    void decodingStepsDoNotAccumulateArrays() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            BlipForConditionalGeneration model = BlipForConditionalGeneration.load(BlipFixtures.model(), weights);
            NDArray image = model.visionModel().forward(BlipFixtures.cases(manager).get("blip.pixel_values"))
                    .broadcast(new ai.djl.ndarray.types.Shape(2, 65, 32)); // two rows, as two beams
            for (boolean cache : new boolean[] {true, false}) {
                try (NDManager steps = manager.newSubManager();
                        CaptionDecoder decoder = new CaptionDecoder(model.textDecoder(), image, steps, cache)) {
                    long[][] rows = {{178}, {178}};
                    int[] alive = new int[8];
                    for (int k = 0; k < alive.length; k++) {
                        decoder.next(rows, true);
                        decoder.reorder(new long[] {1, 0});
                        alive[k] = steps.getManagedArrays().size();
                        for (int r = 0; r < rows.length; r++) {
                            rows[r] = java.util.Arrays.copyOf(rows[r], rows[r].length + 1);
                            rows[r][rows[r].length - 1] = 5 + k;
                        }
                    }
                    System.out.println("arrays alive after each step (cache " + cache + "): "
                            + java.util.Arrays.toString(alive));
                    for (int k = 1; k < alive.length; k++) {
                        assertEquals(alive[0], alive[k], "step " + k + " (cache " + cache + ")");
                    }
                }
            }
        }
    }

    /** Arrays in a manager and all its sub-managers (DJL's count is recursive). */
    private static int countArrays(NDManager manager) {
        return manager.getManagedArrays().size();
    }
}
