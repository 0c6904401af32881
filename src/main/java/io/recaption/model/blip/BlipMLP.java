package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;

/** transformers' {@code BlipMLP} (a copy of CLIP's): {@code fc2(act(fc1(x)))}, act being {@code hidden_act}. */
final class BlipMLP {

    private final Linear fc1;
    private final Linear fc2;
    private final UnaryOperator<NDArray> activation;

    BlipMLP(WeightMap weights, BlipVisionConfig config) {
        this.fc1 = new Linear(weights.child("fc1"), config.hiddenSize(), config.intermediateSize(), true);
        this.fc2 = new Linear(weights.child("fc2"), config.intermediateSize(), config.hiddenSize(), true);
        this.activation = Activations.byName("vision_config.hidden_act", config.hiddenAct());
    }

    /** [B, N, D] → [B, N, D] */
    NDArray forward(NDArray x) {
        return fc2.forward(activation.apply(fc1.forward(x)));
    }
}
