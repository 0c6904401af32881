package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;

/** transformers' {@code BlipTextIntermediate} (BERT's): the feed-forward's first half, act(dense(x)). */
final class BlipTextIntermediate {

    private final Linear dense;
    private final UnaryOperator<NDArray> activation;

    BlipTextIntermediate(WeightMap weights, BlipTextConfig config) {
        this.dense = new Linear(weights.child("dense"), config.hiddenSize(), config.intermediateSize(), true);
        this.activation = Activations.byName("text_config.hidden_act", config.hiddenAct());
    }

    /** [B, S, D] → [B, S, intermediate] */
    NDArray forward(NDArray x) {
        return activation.apply(dense.forward(x));
    }
}
