package io.recaption.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class PipelineKindTest {

    @TempDir
    Path tmp;

    @Test
    void sdAndSdxlBaseAreTold() throws IOException {
        assertEquals(PipelineKind.STABLE_DIFFUSION, kind("sd", "{\"_class_name\": \"StableDiffusionPipeline\"}"));
        assertEquals(PipelineKind.STABLE_DIFFUSION_XL, kind("sdxl",
                "{\"_class_name\": \"StableDiffusionXLPipeline\", \"force_zeros_for_empty_prompt\": true}",
                "text_encoder", "text_encoder_2"));
    }

    @Test
    void theRefinerIsRefusedAsSuch() throws IOException {
        WeightLoadException e = assertThrows(WeightLoadException.class, () -> kind("refiner",
                "{\"_class_name\": \"StableDiffusionXLImg2ImgPipeline\", \"requires_aesthetics_score\": true,"
                        + " \"text_encoder\": [null, null]}", "text_encoder_2"));
        assertTrue(e.getMessage().contains("refiner") && e.getMessage().contains("StableDiffusionXLPipeline"),
                e.getMessage());
    }

    @Test
    void otherPipelinesAreRefusedByName() {
        for (String[] c : new String[][] {{"StableDiffusion3Pipeline", "(SD3)"}, {"FluxPipeline", "(Flux)"},
                {"KandinskyV22Pipeline", "KandinskyV22Pipeline"}}) {
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> kind(c[0], "{\"_class_name\": \"" + c[0] + "\"}"));
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("supported: StableDiffusionPipeline"),
                    e.getMessage());
        }
    }

    private PipelineKind kind(String name, String modelIndex, String... folders) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("model_index.json"), modelIndex);
        for (String folder : folders) {
            Files.createDirectories(dir.resolve(folder));
        }
        return PipelineKind.of(Snapshot.open(dir));
    }
}
