package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code CLIPTextModel}, the text encoder of Stable Diffusion: token ids →
 * {@code last_hidden_state}, the per-token states after the final layer norm, which the UNet's
 * cross-attention reads as its context. Keys {@code embeddings}, {@code encoder.layers.N} and
 * {@code final_layer_norm}, below {@code text_model.} in most checkpoints (see
 * {@link #textModel(WeightMap)}). No pooled output (see {@link ClipTextModelWithProjection}) and no clip skip; the
 * penultimate layer's states for SDXL ({@link #hiddenStates}).
 */
public final class ClipTextModel {

    public static final String COMPONENT = "text_encoder";
    public static final String WEIGHTS_BASE_NAME = "model";
    private static final String NESTED = "text_model";
    private static final String TOKEN_EMBEDDING_KEY = "embeddings.token_embedding.weight";

    private final ClipTextConfig config;
    private final ClipTextEmbeddings embeddings;
    private final ClipEncoder encoder;
    private final LayerNorm finalLayerNorm;

    private ClipTextModel(WeightMap weights, ClipTextConfig config) {
        this.config = config;
        this.embeddings = new ClipTextEmbeddings(weights.child("embeddings"), config);
        this.encoder = new ClipEncoder(weights.child("encoder"), config);
        this.finalLayerNorm = new LayerNorm(weights.child("final_layer_norm"), config.hiddenSize(),
                config.layerNormEps());
    }

    /**
     * Loads {@code text_encoder/config.json} and {@code model.safetensors} (or its fp16 / sharded
     * variant) strictly: a missing, unexpected or wrongly shaped tensor fails naming its key. The
     * weights live in a sub-manager of {@code weightsManager}, closed again when loading fails.
     */
    public static ClipTextModel load(Snapshot snapshot, NDManager weightsManager) {
        return load(snapshot, weightsManager, Precision.FLOAT32);
    }

    /** As {@link #load(Snapshot, NDManager)}, the weights kept and the forward computed in {@code precision}. */
    public static ClipTextModel load(Snapshot snapshot, NDManager weightsManager, Precision precision) {
        return load(snapshot, COMPONENT, weightsManager, precision);
    }

    /** As {@link #load(Snapshot, NDManager, Precision)}, from another component folder (SDXL's two encoders). */
    public static ClipTextModel load(Snapshot snapshot, String component, NDManager weightsManager,
            Precision precision) {
        ClipTextConfig config = ClipTextConfig.from(snapshot.config(component));
        NDManager manager = weightsManager.newSubManager();
        try {
            WeightMap weights = snapshot.weights(snapshot.componentDir(component) + " (CLIPTextModel)", component,
                    WEIGHTS_BASE_NAME, manager, precision);
            ClipTextModel model = new ClipTextModel(textModel(weights), config);
            weights.finish();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The keys' root. Published SD checkpoints (written by transformers before 5.6) nest the
     * blocks under {@code text_model.}; transformers 5.6 flattened CLIPTextModel and its
     * {@code save_pretrained} writes them at the top (the reference snapshot is such a file). A checkpoint with neither is
     * read as the nested layout, so that the error names {@code text_model.*} keys. (The token
     * embedding key is spelled here only to tell the layouts apart; ClipTextEmbeddings takes it.)
     */
    /** The text tower below {@code weights}' root (nested or flat, as {@link #textModel(WeightMap)} tells). */
    static ClipTextModel of(WeightMap weights, ClipTextConfig config) {
        return new ClipTextModel(textModel(weights), config);
    }

    private static WeightMap textModel(WeightMap weights) {
        boolean flat = !weights.has(NESTED + "." + TOKEN_EMBEDDING_KEY) && weights.has(TOKEN_EMBEDDING_KEY);
        return flat ? weights : weights.child(NESTED);
    }

    /**
     * [B, S] token ids (int32 or int64, S ≤ max_position_embeddings) → [B, S, hidden] float32, in the ids'
     * manager. The intermediate activations are freed before returning.
     */
    public NDArray forward(NDArray inputIds) {
        return forward(inputIds, null);
    }

    /**
     * As {@link #forward(NDArray)}, with how much every later token reads each token: {@code keyWeights} [B, S]
     * (null: 1 everywhere, the reference's encoder). Weight w multiplies the attention every later position pays to
     * that token, before the softmax renormalizes (log w added to its causal mask; w = 0 hides it from them), in
     * every layer; a token's own state and what it reads are untouched. Emphasis down uses it: CLIP's causal
     * attention spreads a word into every token after it, the end-of-text token and the padding, so a
     * cross-attention weight on the word's own tokens alone leaves most of its meaning in the context (issue 25).
     */
    public NDArray forward(NDArray inputIds, float[][] keyWeights) {
        try (Scope scope = Scope.below(inputIds)) {
            NDArray ids = validIds(scope.enter(inputIds));
            NDArray mask = mask(ids, keyWeights);
            // the states leave as float32 whatever the weights' precision: they are the UNet's context and the
            // start of null-text's optimized embeddings
            return scope.exit(Precision.full(finalLayerNorm.forward(encoder.forward(embeddings.forward(ids), mask))));
        }
    }

    /**
     * The two states SDXL reads (diffusers' {@code StableDiffusionXLPipeline.encode_prompt}): {@code penultimate}, the
     * input of the last layer ({@code hidden_states[-2]}, no final layer norm), its context; and {@code last}, the
     * {@code last_hidden_state} that {@code CLIPTextModelWithProjection} pools. Both [B, S, D] float32.
     */
    public record HiddenStates(NDArray penultimate, NDArray last) {}

    /** [B, S] ids, key weights as in {@link #forward(NDArray, float[][])} → both states, in the ids' manager. */
    public HiddenStates hiddenStates(NDArray inputIds, float[][] keyWeights) {
        try (Scope scope = Scope.below(inputIds)) {
            NDArray ids = validIds(scope.enter(inputIds));
            NDArray mask = mask(ids, keyWeights);
            int layers = encoder.layerCount();
            NDArray penultimate = encoder.forward(embeddings.forward(ids), mask, 0, layers - 1);
            NDArray last = finalLayerNorm.forward(encoder.forward(penultimate, mask, layers - 1, layers));
            return new HiddenStates(scope.exit(Precision.full(penultimate)), scope.exit(Precision.full(last)));
        }
    }

    /** [B, S] int32/int64 ids, checked against the config → int64 [B, S]. */
    private NDArray validIds(NDArray inputIds) {
        Shape shape = inputIds.getShape();
        if (shape.dimension() != 2 || shape.get(1) < 1 || shape.get(1) > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("token ids must be [batch, 1 ≤ length ≤ " + config.maxPositionEmbeddings()
                    + "], found " + shape);
        }
        DataType type = inputIds.getDataType();
        if (type != DataType.INT64 && type != DataType.INT32) {
            throw new IllegalArgumentException("token ids must be int32 or int64, found " + type);
        }
        NDArray ids = inputIds.toType(DataType.INT64, false);
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= config.vocabSize()) {
            throw new IllegalArgumentException("token ids must lie in [0, " + config.vocabSize() + "), found "
                    + min + " … " + max);
        }
        return ids;
    }

    private static NDArray mask(NDArray ids, float[][] keyWeights) {
        Shape shape = ids.getShape();
        return ClipAttention.causalMask(ids.getManager(), keyWeights, Math.toIntExact(shape.get(0)),
                Math.toIntExact(shape.get(1)));
    }

    /** n rows of token ids (each maxLength long) → the [n, maxLength] int64 array the forward takes, in {@code manager}. */
    public static NDArray ids(java.util.List<int[]> rows, NDManager manager) {
        int length = rows.get(0).length;
        long[] flat = new long[rows.size() * length];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < length; j++) {
                flat[i * length + j] = rows.get(i)[j];
            }
        }
        return manager.create(flat, new Shape(rows.size(), length));
    }

    public int hiddenSize() {
        return config.hiddenSize();
    }

    public ClipTextConfig config() {
        return config;
    }
}
