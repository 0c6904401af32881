package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;

/** transformers' {@code CLIPMLP}: {@code fc2(act(fc1(x)))}, act being the config's {@code hidden_act}. */
final class ClipMlp {

    private final Linear fc1;
    private final Linear fc2;
    private final UnaryOperator<NDArray> activation;

    ClipMlp(WeightMap weights, ClipTextConfig config) {
        this.fc1 = new Linear(weights.child("fc1"), config.hiddenSize(), config.intermediateSize(), true);
        this.fc2 = new Linear(weights.child("fc2"), config.intermediateSize(), config.hiddenSize(), true);
        this.activation = Activations.byName("hidden_act", config.hiddenAct());
    }

    /** [B, S, D] → [B, S, D] */
    NDArray forward(NDArray x) {
        return fc2.forward(activation.apply(fc1.forward(x)));
    }
}
