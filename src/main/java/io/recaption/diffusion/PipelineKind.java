package io.recaption.diffusion;

import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Which pipeline a snapshot folder is, from its {@code model_index.json}'s {@code _class_name} (diffusers'
 * {@code DiffusionPipeline.from_pretrained} dispatches on it too). Pipelines that share SD 1.x/2.x's components are
 * {@link #STABLE_DIFFUSION}; SDXL's base layout is {@link #STABLE_DIFFUSION_XL}. Everything else is refused here,
 * naming what it is and what is supported, before a component is read: an SDXL refiner (no {@code text_encoder},
 * aesthetic-score time ids), SD3, Flux, or any other pipeline.
 */
public enum PipelineKind {
    STABLE_DIFFUSION,
    STABLE_DIFFUSION_XL;

    /** Pipelines whose folders hold SD 1.x/2.x's five components in the same layout. */
    private static final Set<String> STABLE_DIFFUSION_CLASSES = Set.of("StableDiffusionPipeline",
            "StableDiffusionImg2ImgPipeline", "StableDiffusionPix2PixZeroPipeline", "CycleDiffusionPipeline");
    private static final Set<String> STABLE_DIFFUSION_XL_CLASSES = Set.of("StableDiffusionXLPipeline",
            "StableDiffusionXLImg2ImgPipeline");
    private static final String SUPPORTED = "supported: StableDiffusionPipeline (SD 1.x/2.x) and"
            + " StableDiffusionXLPipeline (SDXL base)";

    /** The kind of {@code snapshot}; a folder without model_index.json (one model, as transformers saves it) is SD. */
    public static PipelineKind of(Snapshot snapshot) {
        return of(snapshot.root());
    }

    /** As {@link #of(Snapshot)}, for a folder not opened as a snapshot (its identity is taken before loading). */
    public static PipelineKind of(Path root) {
        Path index = root.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            return STABLE_DIFFUSION;
        }
        JsonConfig json = JsonConfig.read(index);
        String name = json.stringValue("_class_name", "StableDiffusionPipeline");
        if (STABLE_DIFFUSION_CLASSES.contains(name)) {
            return STABLE_DIFFUSION;
        }
        if (STABLE_DIFFUSION_XL_CLASSES.contains(name)) {
            // the refiner is published as StableDiffusionXLImg2ImgPipeline with text_encoder null and
            // requires_aesthetics_score: its UNet reads aesthetic scores, not the base's crop and size ids
            if (!Files.isDirectory(root.resolve("text_encoder"))
                    || json.boolValue("requires_aesthetics_score", false)) {
                throw new WeightLoadException(root + " is an SDXL refiner (" + name + " with only"
                        + " text_encoder_2 and aesthetic-score time ids), which is not supported: invert with the base"
                        + " model; " + SUPPORTED);
            }
            return STABLE_DIFFUSION_XL;
        }
        String family = List.of("StableDiffusion3", "Flux").stream().filter(name::startsWith).findFirst()
                .map(prefix -> prefix.equals("Flux") ? " (Flux)" : " (SD3)").orElse("");
        throw new WeightLoadException(root + " is a " + name + family + " snapshot, which is not"
                + " supported; " + SUPPORTED);
    }
}
