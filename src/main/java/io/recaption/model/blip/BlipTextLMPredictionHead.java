package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.LayerNorm;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.function.UnaryOperator;

/**
 * transformers' {@code BlipTextLMPredictionHead} (BERT's MLM head, under {@code cls.predictions}):
 * the transform LN(act(dense(h))) ({@code BlipTextPredictionHeadTransform}, keys
 * {@code transform.dense}, {@code transform.LayerNorm}), then the vocabulary projection
 * {@code decoder} [V, D] with bias {@code bias} [V].
 *
 * <p>Weight tying, as transformers' {@code _tied_weights_keys}: {@code decoder.weight} is the word
 * embedding matrix and {@code decoder.bias} is {@code bias}. Checkpoints saved by transformers 5
 * store neither alias (the fixture's does not); older ones store both, with the same values. A
 * stored {@code decoder.weight} is used as stored; a stored {@code decoder.bias} is read past,
 * since transformers ties it to {@code bias} and {@code bias} wins.
 */
final class BlipTextLMPredictionHead {

    private final Linear transformDense;
    private final UnaryOperator<NDArray> activation;
    private final LayerNorm transformLayerNorm;
    private final NDArray decoderWeight;
    private final NDArray bias;

    BlipTextLMPredictionHead(WeightMap weights, BlipTextConfig config, NDArray wordEmbeddings) {
        WeightMap transform = weights.child("transform");
        this.transformDense = new Linear(transform.child("dense"), config.hiddenSize(), config.hiddenSize(), true);
        this.activation = Activations.byName("text_config.hidden_act", config.hiddenAct());
        this.transformLayerNorm = new LayerNorm(transform.child("LayerNorm"), config.hiddenSize(), config.layerNormEps());
        WeightMap decoder = weights.child("decoder");
        NDArray stored = decoder.takeOptional("weight", config.vocabSize(), config.hiddenSize());
        this.decoderWeight = stored != null ? stored : wordEmbeddings;
        decoder.ignore("bias");
        this.bias = weights.take("bias", config.vocabSize());
    }

    /** last hidden state [B, S, D] → logits [B, S, V] */
    NDArray forward(NDArray hidden) {
        NDArray transformed = transformLayerNorm.forward(activation.apply(transformDense.forward(hidden)));
        return ai.djl.nn.core.Linear.linear(transformed, decoderWeight, bias).singletonOrThrow();
    }
}
