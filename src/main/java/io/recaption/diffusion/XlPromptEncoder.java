package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTextModelWithProjection;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * Both tokenizers and encoders of an SDXL snapshot, and its model_index.json's choice for the empty prompt. The
     * two tokenizers must share their vocabulary and merges (every published SDXL does; they differ in the padding
     * token), so that one caption's token positions are the same in both and one tokenization serves both encoders.
     */
    public static XlPromptEncoder load(Snapshot snapshot, NDManager weights, Precision precision) {
        boolean forceZeros = JsonConfig.read(snapshot.root().resolve("model_index.json"))
                .boolValue("force_zeros_for_empty_prompt", true);
        Path first = snapshot.componentDir("tokenizer");
        Path second = snapshot.componentDir("tokenizer_2");
        requireSameVocabulary(first, second);
        return new XlPromptEncoder(ClipTokenizer.load(first), ClipTokenizer.load(second),
                ClipTextModel.load(snapshot, ClipTextModel.COMPONENT, weights, precision),
                ClipTextModelWithProjection.load(snapshot, weights, precision), forceZeros);
    }

    /** The captions' conditioning, in {@code manager}. */
    public Embeds encode(List<String> captions, NDManager manager) {
        List<int[]> ids = new ArrayList<>();
        List<int[]> ids2 = new ArrayList<>();
        for (String caption : captions) {
            ids.add(tokenizer.encode(caption));
            ids2.add(tokenizer2.encode(caption));
        }
        return encode(ids, ids2, null, manager);
    }

    /**
     * The conditioning of captions already tokenized by the first tokenizer (n × maxLength ids, as a stored caption
     * is): the second tokenizer's ids are the same up to EOS and its padding after it.
     */
    public Embeds encodeIds(List<int[]> ids, NDManager manager) {
        return encodeIds(ids, null, manager);
    }

    /**
     * As {@link #encodeIds(List, NDManager)}, with key weights [n][maxLength] applied in both encoders (the
     * captions' token positions are the same in both; see {@code ClipTextModel#forward(NDArray, float[][])}).
     */
    public Embeds encodeIds(List<int[]> ids, float[][] keyWeights, NDManager manager) {
        return encode(ids, ids.stream().map(this::secondIds).toList(), keyWeights, manager);
    }

    private Embeds encode(List<int[]> ids, List<int[]> ids2, float[][] keyWeights, NDManager manager) {
        try (NDManager work = manager.newSubManager()) {
            NDArray states = textEncoder.hiddenStates(ClipTextModel.ids(ids, work), keyWeights).penultimate(); // [B, 77, D₁]
            ClipTextModelWithProjection.Output second = textEncoder2.forward(ClipTextModel.ids(ids2, work), keyWeights);
            NDArray context = states.concat(second.penultimate(), -1); // [B, 77, D₁ + D₂]
            NDArray pooled = second.textEmbeds(); // [B, P]
            context.attach(manager);
            pooled.attach(manager);
            return new Embeds(context, pooled);
        }
    }

    /** The first tokenizer's ids as the second gives them: everything after the first EOS is its padding. */
    int[] secondIds(int[] ids) {
        int[] out = ids.clone();
        boolean ended = false;
        for (int i = 0; i < out.length; i++) {
            if (ended) {
                out[i] = tokenizer2.padId();
            }
            ended |= ids[i] == tokenizer.eosId();
        }
        return out;
    }

    private static void requireSameVocabulary(Path first, Path second) {
        for (String file : new String[] {"vocab.json", "merges.txt", "tokenizer.json"}) {
            Path a = first.resolve(file);
            Path b = second.resolve(file);
            try {
                if (Files.isRegularFile(a) != Files.isRegularFile(b)
                        || Files.isRegularFile(a) && Files.mismatch(a, b) != -1) {
                    throw new WeightLoadException(first.getParent() + ": tokenizer/ and tokenizer_2/ differ in "
                            + file + "; SDXL's two tokenizers share one vocabulary (they differ in padding only)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The unconditional branch for {@code batch} images: zeros, or the encoded "" (see the class comment). */
    public Embeds unconditional(int batch, NDManager manager) {
        if (forceZerosForEmptyPrompt) {
            return new Embeds(manager.zeros(new Shape(batch, tokenizer.maxLength(), contextWidth())),
                    manager.zeros(new Shape(batch, pooledWidth())));
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

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** P: the pooled embedding's width (text_encoder_2's projection_dim). */
    public int pooledWidth() {
        return textEncoder2.config().projectionDim();
    }
}
