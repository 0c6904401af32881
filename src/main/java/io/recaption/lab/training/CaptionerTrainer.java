package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import io.recaption.model.blip.BlipForConditionalGeneration;
import io.recaption.model.blip.BlipImageProcessor;
import io.recaption.model.blip.BlipTokenizer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * BLIP's captioning objective (Li et al. 2022, §3.2 "Language Modeling Loss", the loss of transformers'
 * {@code BlipForConditionalGeneration} with labels): the decoder reads {@code [DEC] w₁ … wₙ} with the image
 * states through cross-attention and is trained by cross-entropy to predict {@code w₁ … wₙ [SEP]}, each
 * position from those before it (causal mask), with label smoothing ε (BLIP's 0.1: the target is
 * (1 − ε)·one-hot + ε/V); padded positions carry no loss, and the loss is the mean over the real ones.
 *
 * <p>Data: step {@code n} takes scenes {@code n·B … n·B + B − 1} of a seeded {@link SceneSampler}, rendered
 * and captioned by the world's grammar, so every step sees fresh scenes and a resumed run the same ones. The
 * images go through the product's {@link BlipImageProcessor} and the captions through its
 * {@link BlipTokenizer}, exactly what the captioner does at inference.
 */
public final class CaptionerTrainer implements Objective {

    private final BlipForConditionalGeneration model;
    private final BlipImageProcessor processor;
    private final BlipTokenizer tokenizer;
    private final Parameters parameters;
    private final SceneSampler sampler;
    private final SceneRenderer renderer;
    private final int batchSize;
    private final double labelSmoothing;

    public CaptionerTrainer(BlipForConditionalGeneration model, BlipImageProcessor processor, BlipTokenizer tokenizer,
            Parameters parameters, long dataSeed, int batchSize, double labelSmoothing) {
        this.model = model;
        this.processor = processor;
        this.tokenizer = tokenizer;
        this.parameters = parameters;
        this.sampler = new SceneSampler(SceneDistribution.defaults(), dataSeed);
        this.renderer = new SceneRenderer(RenderSettings.defaults());
        this.batchSize = batchSize;
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public NDArray loss(long step, NDManager scope) {
        int b = batchSize;
        int size = model.config().vision().imageSize();
        int plane = 3 * size * size;
        float[] pixels = new float[b * plane];
        List<long[]> sequences = new ArrayList<>(b);
        int longest = 0;
        for (int i = 0; i < b; i++) {
            RenderedScene scene = renderer.render(sampler.scene(step * b + i));
            BufferedImage image = scene.image().toBufferedImage();
            try (NDManager scratch = scope.newSubManager()) {
                System.arraycopy(processor.preprocess(image, scratch).toFloatArray(), 0, pixels, i * plane, plane);
            }
            long[] ids = tokenizer.encode(scene.caption()); // [CLS] words [SEP]
            ids[0] = model.config().text().bosTokenId(); // BLIP's decoder starts from [DEC]
            sequences.add(ids);
            longest = Math.max(longest, ids.length);
        }
        int length = longest - 1; // inputs [DEC] … wₙ, targets w₁ … [SEP]
        int vocab = model.config().text().vocabSize();
        int[] inputs = new int[b * length];
        float[] targets = new float[b * length * vocab];
        int real = 0;
        for (int i = 0; i < b; i++) {
            long[] ids = sequences.get(i);
            for (int j = 0; j < length; j++) {
                inputs[i * length + j] = j < ids.length ? (int) ids[j] : CaptionerFolder.PAD_ID;
                if (j + 1 < ids.length) {
                    int row = (i * length + j) * vocab;
                    for (int v = 0; v < vocab; v++) {
                        targets[row + v] = (float) (labelSmoothing / vocab);
                    }
                    targets[row + (int) ids[j + 1]] += (float) (1 - labelSmoothing);
                    real++;
                }
            }
        }
        NDArray pixelValues = StepRandom.owned(scope, pixels, new Shape(b, 3, size, size));
        NDArray ids;
        // int32 → int64 is a real conversion, so the result is libtorch's own memory: create(long[]) wraps a Java
        // buffer, and an int64 "conversion" of int64 data would alias that buffer, read after it is freed
        try (NDArray wrapped = scope.create(inputs, new Shape(b, length))) {
            ids = wrapped.toType(DataType.INT64, true);
        }
        NDArray target = StepRandom.owned(scope, targets, new Shape(b, length, vocab));
        NDArray image = model.visionModel().forward(pixelValues); // [B, N, E]
        NDArray logits = model.textDecoder().forward(ids, image, null, false); // [B, L, V]
        NDArray logProbabilities = logits.logSoftmax(-1);
        // −Σ q·log p over the real positions (padded rows of q are zero), averaged
        return io.recaption.model.nn.Scalars.div(target.mul(logProbabilities).sum().neg(), real);
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }
}
