package io.recaption.lab.training;

import io.recaption.lab.snapshots.RandomSnapshot;
import io.recaption.lab.training.BpeTrainer;
import io.recaption.lab.shapes.CaptionGrammar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The snapshot folder a training run fills: model_index.json, every component's config (the
 * {@link RandomSnapshot.Preset#shapes()} sizes), and the tokenizer learned from the caption grammar's
 * words. Weight files are added as stages finish.
 */
public final class ShapesModelFolder {

    private ShapesModelFolder() {}

    /** Writes configs and tokenizer into {@code dir} unless it already has them (a resumed run keeps its own). */
    public static void prepare(Path dir, RandomSnapshot.Preset preset) throws IOException {
        if (Files.isRegularFile(dir.resolve("model_index.json"))) {
            return;
        }
        BpeTrainer.Vocabulary vocabulary = BpeTrainer.learn(CaptionGrammar.words());
        Path tokenizer = dir.resolve("tokenizer");
        BpeTrainer.write(vocabulary, tokenizer);
        RandomSnapshot.writeTokenizerConfig(tokenizer);
        // model_index.json last: its presence marks a complete set of configs
        Path staging = Files.createTempDirectory(dir.getParent() == null ? Path.of(".") : dir.toAbsolutePath().getParent(),
                ".configs");
        RandomSnapshot.writeConfigs(staging, preset, vocabulary.ids().size());
        for (String component : new String[] {"scheduler", "text_encoder", "unet", "vae"}) {
            Files.createDirectories(dir.resolve(component));
            try (var files = Files.list(staging.resolve(component))) {
                for (Path f : files.toList()) {
                    Files.move(f, dir.resolve(component).resolve(f.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.delete(staging.resolve(component));
        }
        Files.move(staging.resolve("model_index.json"), dir.resolve("model_index.json"));
        Files.delete(staging);
    }
}
