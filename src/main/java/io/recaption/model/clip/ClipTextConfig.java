package io.recaption.model.clip;

import io.recaption.model.nn.Activations;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;

/**
 * transformers' {@code CLIPTextConfig}, from {@code text_encoder/config.json}. A key the file
 * omits takes transformers' default (those of OpenAI's ViT-B/32 text tower); SD 1.x writes them all
 * (hidden 768, 12 layers, 12 heads, quick_gelu), SD 2.x's OpenCLIP ViT-H tower has hidden 1024,
 * 23 layers, 16 heads and gelu; SDXL's second encoder (OpenCLIP ViT-bigG) hidden 1280, 32 layers, 20 heads, gelu,
 * projection 1280. {@code eos_token_id} says where {@code CLIPTextModelWithProjection} pools: 2, as every published
 * SD config has it (a placeholder from before transformers read it), means at the largest id, which is EOS in CLIP's
 * vocabulary; any other value at the first occurrence of that id (transformers' two branches).
 */
public record ClipTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int maxPositionEmbeddings,
        String hiddenAct,
        double layerNormEps,
        int eosTokenId,
        int projectionDim) {

    public ClipTextConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new WeightLoadException("text encoder config: hidden_size " + hiddenSize
                    + " does not split into " + numAttentionHeads + " attention heads");
        }
        for (int value : new int[] {vocabSize, intermediateSize, numHiddenLayers, maxPositionEmbeddings}) {
            if (value <= 0) {
                throw new WeightLoadException("text encoder config: sizes must be positive, found " + value);
            }
        }
    }

    public static ClipTextConfig from(JsonConfig json) {
        ClipTextConfig config = new ClipTextConfig(
                json.intValue("vocab_size", 49408),
                json.intValue("hidden_size", 512),
                json.intValue("intermediate_size", 2048),
                json.intValue("num_hidden_layers", 12),
                json.intValue("num_attention_heads", 8),
                json.intValue("max_position_embeddings", 77),
                json.stringValue("hidden_act", "quick_gelu"),
                json.doubleValue("layer_norm_eps", 1e-5),
                json.intValue("eos_token_id", 2),
                json.intValue("projection_dim", 512));
        Activations.byName(json.source(), config.hiddenAct());
        return config;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
