package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.weights.WeightMap;
import java.util.ArrayList;
import java.util.List;

/** transformers' {@code BlipEncoder}: {@code num_hidden_layers} ViT blocks under {@code layers.N}. */
final class BlipEncoder {

    private final List<BlipEncoderLayer> layers;

    BlipEncoder(WeightMap weights, BlipVisionConfig config) {
        List<BlipEncoderLayer> built = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            built.add(new BlipEncoderLayer(weights.child("layers", i), config));
        }
        this.layers = List.copyOf(built);
    }

    /** [B, N, D] → [B, N, D], every token attending to every other */
    NDArray forward(NDArray x) {
        NDArray hidden = x;
        for (BlipEncoderLayer layer : layers) {
            hidden = layer.forward(hidden);
        }
        return hidden;
    }
}
