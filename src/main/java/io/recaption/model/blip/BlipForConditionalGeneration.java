package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightMap;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * transformers' {@code BlipForConditionalGeneration} (Li et al., "BLIP", 2022): the ViT image
 * encoder ({@code vision_model.*}) and the BERT-style caption decoder with cross-attention
 * ({@code text_decoder.*}), loaded from a Hub snapshot folder ({@code config.json},
 * {@code model.safetensors} or its fp16 / sharded variant). Every tensor goes through the strict
 * {@link WeightMap}: a missing, unexpected or wrongly shaped key fails the load, naming it.
 */
public final class BlipForConditionalGeneration {

    /** Weights file base name, as transformers saves it: {@code model.safetensors}. */
    public static final String WEIGHTS_BASE_NAME = "model";

    private final BlipConfig config;
    private final BlipVisionModel visionModel;
    private final BlipTextLMHeadModel textDecoder;

    private BlipForConditionalGeneration(WeightMap weights, BlipConfig config) {
        this.config = config;
        this.visionModel = new BlipVisionModel(weights.child("vision_model"), config.vision());
        this.textDecoder = new BlipTextLMHeadModel(weights.child("text_decoder"), config.text());
    }

    /** Loads the snapshot's weights into a sub-manager of {@code weightsManager}, closed again when loading fails. */
    public static BlipForConditionalGeneration load(Path snapshotDir, NDManager weightsManager) {
        return load(Snapshot.open(snapshotDir), weightsManager);
    }

    /**
     * Loads from a snapshot, which may be {@linkplain Snapshot#generating generating} its weights (a model to be
     * trained: the generator then holds exactly the keys this loader takes, which is what a trained model writes).
     */
    public static BlipForConditionalGeneration load(Snapshot snapshot, NDManager weightsManager) {
        Path snapshotDir = snapshot.root();
        BlipConfig config = BlipConfig.read(snapshotDir);
        NDManager manager = weightsManager.newSubManager();
        try {
            WeightMap weights = snapshot.weights(snapshotDir + " (BlipForConditionalGeneration)", ".",
                    WEIGHTS_BASE_NAME, manager);
            BlipForConditionalGeneration model = new BlipForConditionalGeneration(weights, config);
            weights.finish();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * transformers' {@code generate}: one image's pixel values [1, 3, S, S] and an optional prompt →
     * the caption's token ids, prompt included, as the reference returns them.
     *
     * <p>The decoder input starts as the tokenized prompt ({@code [CLS] … [SEP]}, from the
     * tokenizer with its special tokens) or, without a prompt, as {@code [bos, sep]}; as in the
     * reference the first id is then overwritten with {@code bos_token_id} ({@code [DEC]}) and the
     * last dropped (the prompt's {@code [SEP]}: a caption continues the prompt rather than follow a
     * finished sentence). Decoding stops at {@code sep_token_id}, which BLIP passes as the EOS, or
     * after {@code maxNewTokens}.
     *
     * @param promptIds the tokenizer's ids of the prompt, {@code [CLS]} and {@code [SEP]} included, or null
     */
    public long[] generate(NDArray pixelValues, long[] promptIds, GenerationSettings settings) {
        if (pixelValues.getShape().dimension() != 4 || pixelValues.getShape().get(0) != 1) {
            throw new IllegalArgumentException("generate takes one image [1, 3, S, S], found " + pixelValues.getShape());
        }
        BlipTextConfig text = config.text();
        long[] start = promptIds == null ? new long[] {text.bosTokenId(), text.sepTokenId()} : promptIds.clone();
        if (start.length < 2) {
            throw new IllegalArgumentException("prompt ids must hold at least [CLS] and [SEP], found "
                    + Arrays.toString(start));
        }
        start[0] = text.bosTokenId();
        long[] prompt = Arrays.copyOf(start, start.length - 1);
        int maxLength = prompt.length + settings.maxNewTokens();
        if (maxLength > text.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("prompt (" + prompt.length + " tokens) and " + settings.maxNewTokens()
                    + " new tokens exceed the decoder's " + text.maxPositionEmbeddings() + " positions");
        }
        try (Scope scope = Scope.below(pixelValues)) {
            NDArray image = visionModel.forward(scope.enter(pixelValues)); // [1, N, E]
            Shape shape = image.getShape();
            NDArray rows = image.broadcast(new Shape(settings.numBeams(), shape.get(1), shape.get(2))); // one per beam
            try (CaptionDecoder decoder = new CaptionDecoder(textDecoder, rows, scope.manager(), settings.useCache())) {
                return settings.numBeams() == 1
                        ? GreedySearch.run(prompt, maxLength, text.sepTokenId(), decoder)
                        : BeamSearch.run(prompt, settings, maxLength, text.sepTokenId(), decoder);
            }
        }
    }

    public BlipVisionModel visionModel() {
        return visionModel;
    }

    public BlipTextLMHeadModel textDecoder() {
        return textDecoder;
    }

    public BlipConfig config() {
        return config;
    }
}
