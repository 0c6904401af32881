package io.recaption.lab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import io.recaption.model.blip.BlipCaptioner;
import io.recaption.model.blip.BlipForConditionalGeneration;
import io.recaption.model.blip.BlipImageProcessor;
import io.recaption.model.blip.BlipTokenizer;
import io.recaption.model.blip.CaptionOptions;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.Snapshot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The captioner's training on a tiny BLIP: gradients reach every weight, and the run writes a loadable snapshot. */
@Tag("unit")
class CaptionerTrainingTest {

    private static final CaptionerFolder.Config TINY = new CaptionerFolder.Config(32, 1, 2, 64, 8, 32, 1, 2, 64, 32, 0.1);

    @Test
    void theCaptioningLossSendsAGradientToEveryWeight(@TempDir Path dir) throws Exception {
        CaptionerFolder.prepare(dir, TINY);
        RandomWeights generator = RandomWeights.trainable(3);
        try (NDManager manager = NDManager.newBaseManager(); BlipTokenizer tokenizer = BlipTokenizer.load(dir)) {
            BlipForConditionalGeneration blip = Parameters.withGradients(
                    () -> BlipForConditionalGeneration.load(Snapshot.generating(dir, generator), manager));
            Parameters parameters = new Parameters();
            parameters.add("captioner", generator.generated());
            CaptionerTrainer objective = new CaptionerTrainer(blip, BlipImageProcessor.load(dir), tokenizer, parameters,
                    1, 3, 0.1);
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = objective.loss(0, scope);
                collector.backward(loss);
                // random weights: about log V per token (smoothing adds a little)
                assertTrue(Math.abs(loss.getFloat() - Math.log(CaptionerFolder.vocabulary().size())) < 1.5,
                        "loss " + loss.getFloat());
            }
            for (Map.Entry<String, NDArray> e : parameters.component("captioner").entrySet()) {
                NDArray gradient = e.getValue().getGradient();
                assertTrue(gradient.abs().sum().getFloat() > 0, e.getKey() + " got no gradient");
            }
        }
    }

    @Test
    void aRunWritesASnapshotTheProductsCaptionerLoadsStrictly(@TempDir Path dir) throws Exception {
        CaptionerTraining training = new CaptionerTraining(new CaptionerTraining.Options(dir, TINY, 3, 2, 0, 1e-3,
                false, 2, 1), new PrintStream(System.out));
        training.run();
        Path model = training.modelFolder();
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", "vocab.txt",
            "tokenizer_config.json", "special_tokens_map.json", "preprocessor_config.json", "generation_config.json"}) {
            assertTrue(Files.isRegularFile(model.resolve(file)), file);
        }
        // transformers' key names; the tied LM head's decoder weight and bias are not stored (as transformers 5 saves)
        SafetensorsFile weights = SafetensorsFile.open(model.resolve("model.safetensors"));
        assertTrue(weights.tensors().containsKey("vision_model.embeddings.patch_embedding.weight"));
        assertTrue(weights.tensors().containsKey("text_decoder.bert.embeddings.word_embeddings.weight"));
        assertTrue(weights.tensors().containsKey("text_decoder.cls.predictions.bias"));
        assertTrue(weights.tensors().keySet().stream().noneMatch(k -> k.contains("predictions.decoder")));
        var scene = new SceneRenderer(RenderSettings.defaults())
                .render(new SceneSampler(SceneDistribution.defaults(), 5).scene(0));
        try (BlipCaptioner captioner = BlipCaptioner.load(model)) {
            String caption = captioner.caption(scene.image().toBufferedImage(), CaptionOptions.defaults()).text();
            for (String word : caption.split(" ")) {
                assertTrue(word.isEmpty() || CaptionGrammar.words().contains(word), word + " in \"" + caption + "\"");
            }
        }
    }

    @Test
    void everyWordOfTheGrammarIsOneTokenInBothTokenizers(@TempDir Path dir) throws Exception {
        CaptionerFolder.prepare(dir, TINY);
        Path vocabOnly = dir.resolve("vocab-only");
        Files.createDirectories(vocabOnly);
        for (String file : new String[] {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
            Files.copy(dir.resolve(file), vocabOnly.resolve(file));
        }
        String caption = "a big red circle at the left of a small blue square on a white background";
        try (BlipTokenizer json = BlipTokenizer.load(dir); BlipTokenizer wordPiece = BlipTokenizer.load(vocabOnly)) {
            assertTrue(!json.kind().equals(wordPiece.kind()), json.kind() + " / " + wordPiece.kind());
            long[] ids = json.encode(caption);
            assertArrayEquals(ids, wordPiece.encode(caption));
            assertEquals(caption.split(" ").length + 2, ids.length);
            assertEquals(2, ids[0]);
            assertEquals(3, ids[ids.length - 1]);
            for (String word : CaptionGrammar.words()) {
                long[] one = json.encode(word);
                assertEquals(3, one.length, word);
                assertEquals(CaptionerFolder.vocabulary().indexOf(word), one[1], word);
            }
            long[] withDecoderStart = ids.clone();
            withDecoderStart[0] = CaptionerFolder.vocabulary().indexOf("[DEC]");
            assertEquals(caption, json.decode(withDecoderStart));
            assertEquals(caption, wordPiece.decode(withDecoderStart));
        }
    }
}
