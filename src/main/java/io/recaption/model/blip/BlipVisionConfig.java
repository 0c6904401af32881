package io.recaption.model.blip;

import io.recaption.model.nn.Activations;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;

/**
 * transformers' {@code BlipVisionConfig}, the {@code vision_config} object of a BLIP
 * {@code config.json}. A key the file omits takes transformers' default (those of
 * Salesforce/blip-vqa-base: ViT-B/16 at 384², hidden 768, 12 layers, 12 heads, gelu).
 *
 * @param imageSize the square input side the position embeddings were trained for
 * @param patchSize the side of one patch; the encoder reads (imageSize / patchSize)² + 1 tokens
 */
public record BlipVisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int imageSize,
        int patchSize,
        String hiddenAct,
        double layerNormEps) {

    public BlipVisionConfig {
        if (hiddenSize <= 0 || numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new WeightLoadException("BLIP vision config: hidden_size " + hiddenSize
                    + " does not split into " + numAttentionHeads + " attention heads");
        }
        if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0) {
            throw new WeightLoadException("BLIP vision config: image_size " + imageSize
                    + " is not a whole number of " + patchSize + "-pixel patches");
        }
        if (intermediateSize <= 0 || numHiddenLayers <= 0) {
            throw new WeightLoadException("BLIP vision config: sizes must be positive, found intermediate_size "
                    + intermediateSize + " and num_hidden_layers " + numHiddenLayers);
        }
    }

    static BlipVisionConfig from(JsonConfig json) {
        BlipVisionConfig config = new BlipVisionConfig(
                json.intValue("hidden_size", 768),
                json.intValue("intermediate_size", 3072),
                json.intValue("num_hidden_layers", 12),
                json.intValue("num_attention_heads", 12),
                json.intValue("image_size", 384),
                json.intValue("patch_size", 16),
                json.stringValue("hidden_act", "gelu"),
                json.doubleValue("layer_norm_eps", 1e-5));
        Activations.byName(json.source(), config.hiddenAct());
        return config;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Patches along one side of the image. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Tokens the encoder reads: one per patch and the class token. */
    public int numPositions() {
        return gridSize() * gridSize() + 1;
    }
}
