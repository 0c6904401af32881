package io.recaption.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.Fixtures;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.SafetensorsWriter;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broken UNet snapshots and unsupported configs fail with a WeightLoadException that names the problem. */
@Tag("unit")
class UNetLoadingTest {

    private static final String WEIGHTS = UNet2DConditionModel.WEIGHTS_BASE_NAME + ".safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A copy of tiny-sd's unet folder as a single-component snapshot. */
    private Path copyOfUnet() throws IOException {
        Path source = Fixtures.tinySd().resolve("unet");
        Path dir = Files.createDirectories(tmp.resolve("unet"));
        Files.copy(source.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(source.resolve(WEIGHTS), dir.resolve(WEIGHTS));
        return dir;
    }

    /** Rewrites the copy's weights after {@code edit} changed the name → tensor map. */
    private void rewriteWeights(Path dir, NDManager manager, Consumer<Map<String, NDArray>> edit) throws IOException {
        SafetensorsFile file = SafetensorsFile.open(dir.resolve(WEIGHTS));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (String name : file.tensors().keySet()) {
            tensors.put(name, file.load(name, manager));
        }
        edit.accept(tensors);
        SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
    }

    private void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
    }

    /** Loads and expects a WeightLoadException; afterwards the manager must hold nothing of the failed load. */
    private String loadFails(Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> UNet2DConditionModel.load(Snapshot.open(dir), manager));
            assertEquals(0, manager.getManagedArrays().size(), "a failed load leaves no arrays behind");
            System.out.println("refused as expected: " + e.getMessage().replace("\n", " | "));
            return e.getMessage();
        }
    }

    @Test
    void theCopyLoads() throws IOException {
        Path dir = copyOfUnet();
        try (NDManager manager = NDManager.newBaseManager();
                UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(dir), manager)) {
            long stored = SafetensorsFile.open(dir.resolve(WEIGHTS)).tensors().values().stream()
                    .mapToLong(t -> t.shape().size()).sum();
            assertEquals(stored, unet.parameterCount());
        }
    }

    @Test
    void renamedKeyIsNamedAsMissingAndUnexpected() throws IOException {
        Path dir = copyOfUnet();
        String key = "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight";
        String renamed = "mid_block.attentions.0.transformer_blocks.0.attn2.to_key.weight";
        try (NDManager manager = NDManager.newBaseManager()) {
            rewriteWeights(dir, manager, tensors -> tensors.put(renamed, tensors.remove(key)));
        }
        String message = loadFails(dir);
        assertTrue(message.contains("missing (1)") && message.contains(key), message);
        assertTrue(message.contains("unexpected (1)") && message.contains(renamed), message);
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() throws IOException {
        Path dir = copyOfUnet();
        try (NDManager manager = NDManager.newBaseManager()) {
            rewriteWeights(dir, manager, tensors -> tensors.put("up_blocks.1.resnets.2.conv_shortcut.weight",
                    manager.zeros(new Shape(64, 96, 3, 3))));
        }
        String message = loadFails(dir);
        assertTrue(message.contains("wrong shape (1)") && message.contains(
                "up_blocks.1.resnets.2.conv_shortcut.weight: expected (64, 96, 1, 1), found (64, 96, 3, 3)"), message);
    }

    @Test
    void missingConfigIsNamed() throws IOException {
        Path snapshot = Files.createDirectories(tmp.resolve("snapshot"));
        Files.copy(Fixtures.tinySd().resolve("model_index.json"), snapshot.resolve("model_index.json"));
        Path unet = Files.createDirectories(snapshot.resolve("unet"));
        Files.copy(Fixtures.tinySd().resolve("unet").resolve(WEIGHTS), unet.resolve(WEIGHTS));
        String message = loadFails(snapshot);
        assertTrue(message.contains("missing config file") && message.contains("config.json"), message);
    }

    @Test
    void missingWeightsAreNamed() throws IOException {
        Path dir = copyOfUnet();
        Files.delete(dir.resolve(WEIGHTS));
        assertTrue(loadFails(dir).contains("has no " + UNet2DConditionModel.WEIGHTS_BASE_NAME + ".safetensors"));
    }

    @Test
    void truncatedWeightsAreNamed() throws IOException {
        Path dir = copyOfUnet();
        Path weights = dir.resolve(WEIGHTS);
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        String message = loadFails(dir);
        assertTrue(message.contains("truncated") && message.contains(WEIGHTS), message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "num_attention_heads | 4 | num_attention_heads",
        "class_embed_type | \"timestep\" | class_embed_type",
        "addition_embed_type | \"text\" | addition_embed_type",
        "addition_embed_type | \"text_time\" | addition_time_embed_dim",
        "resnet_time_scale_shift | \"scale_shift\" | resnet_time_scale_shift",
        "only_cross_attention | true | only_cross_attention",
        "dual_cross_attention | true | dual_cross_attention",
        "time_embedding_type | \"fourier\" | time_embedding_type",
        "attention_type | \"gated\" | attention_type",
        "conv_in_kernel | 7 | conv_in_kernel",
        "mid_block_type | \"UNetMidBlock2DSimpleCrossAttn\" | mid_block_type",
        "down_block_types | [\"SimpleCrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\", \"DownBlock2D\"] | SimpleCrossAttnDownBlock2D",
        "block_out_channels | [32, 32, 64] | block_out_channels",
        "attention_head_dim | 5 | attention_head_dim",
        "norm_num_groups | null | norm_num_groups",
        "_class_name | \"UNet2DModel\" | _class_name",
    })
    void unsupportedConfigIsRefusedByName(String key, String value, String named) throws IOException {
        Path dir = copyOfUnet();
        editConfig(dir, config -> {
            try {
                config.set(key, JSON.readTree(value));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        });
        String message = loadFails(dir);
        assertTrue(message.contains(named), message);
    }

    @Test
    void upcastAttentionIsAcceptedBecauseEverythingRunsInFloat32() throws IOException {
        Path dir = copyOfUnet();
        editConfig(dir, config -> config.put("upcast_attention", true));
        try (NDManager manager = NDManager.newBaseManager();
                UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(dir), manager)) {
            assertTrue(unet.config().upcastAttention());
        }
    }

    @Test
    void nullMidBlockTypeMeansNoMidBlock() throws IOException {
        Path dir = copyOfUnet();
        editConfig(dir, config -> config.putNull("mid_block_type"));
        // with the mid block's weights still there, the strict map names them as left over
        assertTrue(loadFails(dir).contains("unexpected (46)"));
        try (NDManager manager = NDManager.newBaseManager()) {
            rewriteWeights(dir, manager, tensors -> tensors.keySet().removeIf(name -> name.startsWith("mid_block.")));
            try (UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(dir), manager)) {
                assertTrue(unet.attentionLayers().stream().noneMatch(a -> a.place() == AttentionSite.Place.MID));
                NDArray out = unet.forward(manager.randomNormal(new Shape(1, 4, 32, 32)), 501,
                        manager.randomNormal(new Shape(1, 77, 32)));
                assertEquals(new Shape(1, 4, 32, 32), out.getShape());
            }
        }
    }
}
