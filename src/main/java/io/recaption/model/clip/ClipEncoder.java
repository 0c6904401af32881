package io.recaption.model.clip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/** transformers' {@code CLIPEncoder}: {@code num_hidden_layers} encoder layers under {@code layers.N}. */
final class ClipEncoder {

    private final List<ClipEncoderLayer> layers;

    ClipEncoder(WeightMap weights, ClipTextConfig config) {
        List<ClipEncoderLayer> built = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            built.add(new ClipEncoderLayer(weights.child("layers", i), config));
        }
        this.layers = List.copyOf(built);
    }

    /** [B, S, D] with the additive mask [S, S] or [B, 1, S, S] → [B, S, D] */
    NDArray forward(NDArray x, NDArray mask) {
        return forward(x, mask, 0, layers.size());
    }

    /** As {@link #forward(NDArray, NDArray)} through layers [from, to) only: [B, S, D] → [B, S, D]. */
    NDArray forward(NDArray x, NDArray mask, int from, int to) {
        NDArray hidden = x;
        for (ClipEncoderLayer layer : layers.subList(from, to)) {
            hidden = layer.forward(hidden, mask);
        }
        return hidden;
    }

    int layerCount() {
        return layers.size();
    }
}
