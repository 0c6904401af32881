package io.recaption.model.blip;

import io.recaption.model.nn.Activations;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;

/**
 * transformers' {@code BlipTextConfig}, the {@code text_config} object of a BLIP
 * {@code config.json}: the BERT-style decoder. A key the file omits takes transformers' default
 * (those of Salesforce/blip-vqa-base: vocabulary 30524 with {@code [DEC]} = 30522 as BOS, hidden
 * 768, 12 layers, 8 heads, gelu, LayerNorm eps 1e-12).
 *
 * @param encoderHiddenSize the width of the image states the cross-attention reads; transformers'
 *     {@code BlipConfig} overwrites it with the vision tower's hidden size, and so does
 *     {@link BlipConfig}
 * @param bosTokenId the id generation starts from ({@code [DEC]}), written over the prompt's {@code [CLS]}
 * @param sepTokenId the id generation stops at ({@code [SEP]}): BLIP passes it to {@code generate} as the EOS
 */
public record BlipTextConfig(
        int vocabSize,
        int hiddenSize,
        int encoderHiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int maxPositionEmbeddings,
        String hiddenAct,
        double layerNormEps,
        int bosTokenId,
        int padTokenId,
        int sepTokenId) {

    public BlipTextConfig {
        if (hiddenSize <= 0 || numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new WeightLoadException("BLIP text config: hidden_size " + hiddenSize
                    + " does not split into " + numAttentionHeads + " attention heads");
        }
        for (int value : new int[] {vocabSize, encoderHiddenSize, intermediateSize, numHiddenLayers,
                maxPositionEmbeddings}) {
            if (value <= 0) {
                throw new WeightLoadException("BLIP text config: sizes must be positive, found " + value);
            }
        }
        for (int id : new int[] {bosTokenId, padTokenId, sepTokenId}) {
            if (id < 0 || id >= vocabSize) {
                throw new WeightLoadException("BLIP text config: special token id " + id
                        + " lies outside the vocabulary of " + vocabSize);
            }
        }
    }

    /** Reads {@code text_config}; {@code encoderHiddenSize} is the vision tower's width (see the record's doc). */
    static BlipTextConfig from(JsonConfig json, int encoderHiddenSize) {
        BlipTextConfig config = new BlipTextConfig(
                json.intValue("vocab_size", 30524),
                json.intValue("hidden_size", 768),
                encoderHiddenSize,
                json.intValue("intermediate_size", 3072),
                json.intValue("num_hidden_layers", 12),
                json.intValue("num_attention_heads", 8),
                json.intValue("max_position_embeddings", 512),
                json.stringValue("hidden_act", "gelu"),
                json.doubleValue("layer_norm_eps", 1e-12),
                json.intValue("bos_token_id", 30522),
                json.intValue("pad_token_id", 0),
                json.intValue("sep_token_id", 102));
        Activations.byName(json.source(), config.hiddenAct());
        return config;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
