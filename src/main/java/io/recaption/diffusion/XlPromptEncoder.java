package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTextModelWithProjection;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.Snapshot;
import java.util.List;

/**
 * SDXL's text conditioning, as diffusers' {@code StableDiffusionXLPipeline.encode_prompt} makes it: each caption
 * through both tokenizers and encoders, the penultimate states of {@code text_encoder} (CLIPTextModel) and
 * {@code text_encoder_2} (CLIPTextModelWithProjection) concatenated along the width (768 + 1280 = 2048 in base), and
 * the second encoder's projected EOS state as the pooled embedding. The unconditional branch is what the pipeline
 * builds for an empty negative prompt: zeros when {@code force_zeros_for_empty_prompt} (model_index.json; true in
 * base), the encoded "" otherwise.
 */
public final class XlPromptEncoder {

    /** [B, 77, D₁ + D₂] per-token context and [B, P] pooled embedding, float32. */
    public record Embeds(NDArray promptEmbeds, NDArray pooled) {}

    private final ClipTokenizer tokenizer;
    private final ClipTokenizer tokenizer2;
    private final ClipTextModel textEncoder;
    private final ClipTextModelWithProjection textEncoder2;
    private final boolean forceZerosForEmptyPrompt;

    public XlPromptEncoder(ClipTokenizer tokenizer, ClipTokenizer tokenizer2, ClipTextModel textEncoder,
            ClipTextModelWithProjection textEncoder2, boolean forceZerosForEmptyPrompt) {
        if (tokenizer.maxLength() != tokenizer2.maxLength()) {
            throw new IllegalArgumentException("the SDXL tokenizers' windows differ: " + tokenizer.maxLength() + " and "
                    + tokenizer2.maxLength());
        }
        this.tokenizer = tokenizer;
        this.tokenizer2 = tokenizer2;
        this.textEncoder = textEncoder;
        this.textEncoder2 = textEncoder2;
        this.forceZerosForEmptyPrompt = forceZerosForEmptyPrompt;
    }

    /** Both tokenizers and encoders of an SDXL snapshot, and its model_index.json's choice for the empty prompt. */
    public static XlPromptEncoder load(Snapshot snapshot, NDManager weights, Precision precision) {
        boolean forceZeros = JsonConfig.read(snapshot.root().resolve("model_index.json"))
                .boolValue("force_zeros_for_empty_prompt", true);
        return new XlPromptEncoder(ClipTokenizer.load(snapshot.componentDir("tokenizer")),
                ClipTokenizer.load(snapshot.componentDir("tokenizer_2")),
                ClipTextModel.load(snapshot, ClipTextModel.COMPONENT, weights, precision),
                ClipTextModelWithProjection.load(snapshot, weights, precision), forceZeros);
    }

    /** The captions' conditioning, in {@code manager}. */
    public Embeds encode(List<String> captions, NDManager manager) {
        try (NDManager work = manager.newSubManager()) {
            NDArray states = textEncoder.hiddenStates(ids(tokenizer, captions, work), null).penultimate(); // [B, 77, D₁]
            ClipTextModelWithProjection.Output second = textEncoder2.forward(ids(tokenizer2, captions, work), null);
            NDArray context = NDArrays.concat(new ai.djl.ndarray.NDList(states, second.penultimate()), -1);
            NDArray pooled = second.textEmbeds();
            context.attach(manager);
            pooled.attach(manager);
            return new Embeds(Precision.full(context), pooled);
        }
    }

    /** The unconditional branch for {@code batch} images: zeros, or the encoded "" (see the class comment). */
    public Embeds unconditional(int batch, NDManager manager) {
        if (forceZerosForEmptyPrompt) {
            return new Embeds(manager.zeros(new Shape(batch, tokenizer.maxLength(), contextWidth())),
                    manager.zeros(new Shape(batch, textEncoder2.config().projectionDim())));
        }
        return encode(java.util.Collections.nCopies(batch, ""), manager);
    }

    /** D₁ + D₂: the UNet's cross_attention_dim. */
    public int contextWidth() {
        return textEncoder.hiddenSize() + textEncoder2.config().hiddenSize();
    }

    public boolean forceZerosForEmptyPrompt() {
        return forceZerosForEmptyPrompt;
    }

    private static NDArray ids(ClipTokenizer tokenizer, List<String> captions, NDManager manager) {
        int length = tokenizer.maxLength();
        long[] flat = new long[captions.size() * length];
        for (int i = 0; i < captions.size(); i++) {
            int[] ids = tokenizer.encode(captions.get(i));
            for (int j = 0; j < length; j++) {
                flat[i * length + j] = ids[j];
            }
        }
        return manager.create(flat, new Shape(captions.size(), length)).toType(DataType.INT64, false);
    }
}
