package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.recaption.model.nn.Linear;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightMap;

/**
 * transformers' {@code CLIPTextModelWithProjection}, SDXL's second text encoder ({@code text_encoder_2}): the text
 * tower below {@code text_model.} and {@code text_projection} (no bias). Besides the tower's states it gives
 * {@code text_embeds}: the final-layer-normed state at each caption's EOS token, projected, the pooled embedding
 * SDXL's UNet adds to its time embedding.
 */
public final class ClipTextModelWithProjection {

    public static final String COMPONENT = "text_encoder_2";
    /** The {@code eos_token_id} of every published SD config: pool at the largest id (see {@link ClipTextConfig}). */
    private static final int LEGACY_EOS_ID = 2;

    private final ClipTextModel textModel;
    private final Linear textProjection;

    private ClipTextModelWithProjection(WeightMap weights, ClipTextConfig config) {
        this.textModel = ClipTextModel.of(weights, config);
        this.textProjection = new Linear(weights.child("text_projection"), config.hiddenSize(), config.projectionDim(),
                false);
    }

    /** The per-token states SDXL reads and the pooled projection: [B, S, D] and [B, P], float32. */
    public record Output(NDArray penultimate, NDArray textEmbeds) {}

    /** Loads {@code text_encoder_2/} strictly, as {@link ClipTextModel#load(Snapshot, NDManager, Precision)} does. */
    public static ClipTextModelWithProjection load(Snapshot snapshot, NDManager weightsManager, Precision precision) {
        ClipTextConfig config = ClipTextConfig.from(snapshot.config(COMPONENT));
        NDManager manager = weightsManager.newSubManager();
        try {
            WeightMap weights = snapshot.weights(snapshot.componentDir(COMPONENT) + " (CLIPTextModelWithProjection)",
                    COMPONENT, ClipTextModel.WEIGHTS_BASE_NAME, manager, precision);
            ClipTextModelWithProjection model = new ClipTextModelWithProjection(weights, config);
            weights.finish();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** [B, S] token ids (key weights as in {@link ClipTextModel#forward(NDArray, float[][])}) → the two outputs. */
    public Output forward(NDArray inputIds, float[][] keyWeights) {
        try (Scope scope = Scope.below(inputIds)) {
            NDArray ids = scope.enter(inputIds).toType(DataType.INT64, false);
            ClipTextModel.HiddenStates states = textModel.hiddenStates(ids, keyWeights);
            // transformers: eos_token_id 2 → argmax of the ids (EOS has CLIP's largest id); else its first position
            int eos = textModel.config().eosTokenId();
            NDArray positions = eos == LEGACY_EOS_ID ? ids.argMax(1) : ids.eq(eos).toType(DataType.INT32, false).argMax(1);
            long batch = ids.getShape().get(0);
            NDArray rows = scope.manager().arange(0, (int) batch, 1, DataType.INT64);
            NDArray pooled = states.last().get(new NDIndex("{}, {}", rows, positions)); // [B, D]
            // in the weights' precision, as transformers projects in the model's dtype
            NDArray textEmbeds = Precision.full(textProjection.forward(
                    Precision.of(textProjection.weight()).cast(pooled))); // [B, P]
            return new Output(scope.exit(states.penultimate()), scope.exit(textEmbeds));
        }
    }

    public ClipTextConfig config() {
        return textModel.config();
    }
}
