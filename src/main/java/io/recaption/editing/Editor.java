package io.recaption.editing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.Conditioning;
import io.recaption.diffusion.DiffusionModel;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.Sampler;
import io.recaption.diffusion.StepHook;
import io.recaption.diffusion.XlTimeIds;
import io.recaption.model.clip.ClipTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Renders an edited caption from an inversion (Mokady et al. §4 with Prompt-to-Prompt): sampling
 * from z_T as a [source, edited] batch with the stored ∅_t for both images' unconditional branch,
 * the two captions for the conditional one, and the controller derived from the captions.
 */
public final class Editor {

    /** The final latents of [source, edited] [2, 4, h, w], and the controller's settings actually used. */
    public record Result(NDArray latents, CaptionEdit edit, long unetEvaluations) {}

    private final DiffusionModel model;

    public Editor(DiffusionModel model) {
        this.model = model;
    }

    /**
     * zT [1, 4, h, w], nullEmbeddings [steps, L, d], directOffsets [steps, 4, h, w] or null; the result
     * is attached to {@code zT}'s manager.
     */
    public Result edit(NDArray zT, NDArray nullEmbeddings, NDArray directOffsets, CaptionEdit edit,
            EditSettings settings, ProgressListener progress) {
        return edit(zT, nullEmbeddings, directOffsets, edit, settings, null, progress);
    }

    /** As above, with SDXL's time ids of the inverted photo (ignored by SD 1.x/2.x; null: the model's default). */
    public Result edit(NDArray zT, NDArray nullEmbeddings, NDArray directOffsets, CaptionEdit edit,
            EditSettings settings, XlTimeIds timeIds, ProgressListener progress) {
        NDManager outer = zT.getManager();
        ClipTokenizer tokenizer = model.tokenizer();
        // the source caption was accepted, possibly truncated, when the photo was inverted
        Caption source = Caption.of(tokenizer, edit.source(), true);
        Caption edited = Caption.of(tokenizer, edit.edited(), false);
        int latentHeight = (int) zT.getShape().get(2);
        int latentWidth = (int) zT.getShape().get(3);
        try (NDManager controllerScope = outer.newSubManager()) {
            PromptToPromptController controller = controller(controllerScope, edit, settings, latentHeight,
                    latentWidth);
            Conditioning captions = model.condition(List.of(source.ids(), edited.ids()),
                    settings.emphasisDownInEncoder() ? encoderWeights(edit, tokenizer) : null, outer);
            NDArray cond = captions.context();
            NDArray start = zT.repeat(0, 2);
            // SDXL: both images' ∅ branch reads the empty prompt's pooled embedding (its tokens are the stored ∅),
            // each caption its own; SD has no pooled embedding, so nothing is encoded for it
            Conditioning unconditional = captions.pooled() == null ? null : emptyForBoth(outer);
            GuidedDenoiser denoiser = model.denoiser(unconditional, captions, timeIds, outer);
            NDArray latents;
            if (controller == null) {
                latents = new Sampler(denoiser, model.scheduler()).run(new Sampler.Request(start, cond,
                        nullEmbeddings, settings.guidance(), directOffsets, StepHook.NONE), progress);
            } else {
                model.unet().setAttentionProcessor(controller);
                try {
                    latents = new Sampler(denoiser, model.scheduler()).run(new Sampler.Request(start, cond,
                            nullEmbeddings, settings.guidance(), directOffsets, controller), progress);
                } finally {
                    model.unet().resetAttentionProcessors();
                }
            }
            cond.close();
            start.close();
            if (unconditional != null) {
                captions.pooled().close();
                unconditional.context().close();
                unconditional.pooled().close();
            }
            return new Result(latents, edit, denoiser.evaluations());
        }
    }

    /** The empty prompt's conditioning with its pooled embedding repeated for [source, edited]. */
    private Conditioning emptyForBoth(NDManager manager) {
        Conditioning empty = model.unconditional(manager);
        try (NDArray single = empty.pooled()) {
            return empty.withPooled(single.repeat(0, 2));
        }
    }

    /** The Prompt-to-Prompt controller for this edit, or null when the captions ask for none. */
    PromptToPromptController controller(NDManager manager, CaptionEdit edit, EditSettings settings, int latentHeight,
            int latentWidth) {
        ClipTokenizer tokenizer = model.tokenizer();
        int length = tokenizer.maxLength();
        WordIndex sourceWords = new WordIndex(tokenizer, edit.source());
        WordIndex editedWords = new WordIndex(tokenizer, edit.edited());
        float[] equalizer = null;
        if (!edit.emphasis().isEmpty()) {
            equalizer = new float[length];
            Arrays.fill(equalizer, 1f);
            for (Map.Entry<String, Float> e : edit.emphasis().entrySet()) {
                for (int p : editedWords.positionsOf(e.getKey())) {
                    equalizer[p] = e.getValue();
                }
            }
        }
        CrossAttentionEdit cross = switch (edit.kind()) {
            case REPLACE -> {
                int[][] sourceSpans = spans(sourceWords, edit.swappedWords());
                int[][] editedSpans = spans(editedWords, edit.swappedWords());
                yield CrossAttentionEdit.replace(manager,
                        TokenAlignment.replacement(sourceSpans, editedSpans, length), equalizer);
            }
            case REFINE -> CrossAttentionEdit.refine(manager, TokenAlignment.refinement(
                    fullSequence(tokenizer, edit.source()), fullSequence(tokenizer, edit.edited()), length), equalizer);
            case NONE -> equalizer == null ? null : CrossAttentionEdit.reweight(manager, equalizer);
        };
        LocalBlend blend = null;
        if (!edit.blendWords().isEmpty()) {
            WordIndex[] indexes = {sourceWords, editedWords};
            float[][] subtract = edit.blendExceptWords().isEmpty() ? null
                    : wordAlphas(indexes, edit.blendExceptWords(), length);
            blend = new LocalBlend(manager, wordAlphas(indexes, edit.blendWords(), length), subtract, latentHeight,
                    latentWidth, model.unet().config().crossAttentionDivisors(), settings.blendThreshold(),
                    settings.blendStart());
        }
        if (cross == null && blend == null && settings.selfReplaceSteps() == 0) {
            return null;
        }
        return new PromptToPromptController(2, cross, blend, settings, latentHeight, model.unet().defaultProcessor());
    }

    /**
     * [source, edited][token]: what later tokens of the edited caption read of each of its tokens in the text
     * encoder, the emphasis factor of every word weighed below 1 (0 for a negative one), 1 elsewhere; null when no
     * word is. A word's meaning reaches the UNet through every token after it too (CLIP's causal attention), so its
     * cross-attention weight alone leaves it mostly in place: with ×0 there, 0.10 of the shapes world's emphasis-down
     * edits took (issue 25). Weights above 1 stay the reference's, cross-attention only.
     */
    static float[][] encoderWeights(CaptionEdit edit, ClipTokenizer tokenizer) {
        float[][] weights = null;
        WordIndex editedWords = null;
        for (Map.Entry<String, Float> e : edit.emphasis().entrySet()) {
            if (e.getValue() >= 1f) {
                continue;
            }
            if (weights == null) {
                weights = new float[2][tokenizer.maxLength()];
                Arrays.fill(weights[0], 1f);
                Arrays.fill(weights[1], 1f);
                editedWords = new WordIndex(tokenizer, edit.edited());
            }
            for (int p : editedWords.positionsOf(e.getKey())) {
                weights[1][p] = Math.max(0f, e.getValue());
            }
        }
        return weights;
    }

    /** [image, token]: 1 at the positions of {@code words} in each image's caption (source, edited). */
    private static float[][] wordAlphas(WordIndex[] indexes, List<String> words, int length) {
        float[][] alphas = new float[indexes.length][length];
        for (int image = 0; image < indexes.length; image++) {
            for (String word : words) {
                for (int p : indexes[image].positionsOf(word)) {
                    alphas[image][p] = 1f;
                }
            }
        }
        return alphas;
    }

    /** Token spans [start, end) of the given words. */
    private static int[][] spans(WordIndex index, List<Integer> words) {
        int[][] out = new int[words.size()][];
        for (int i = 0; i < words.size(); i++) {
            WordIndex.Word word = index.words().get(words.get(i));
            out[i] = new int[] {word.start(), word.end()};
        }
        return out;
    }

    /** [BOS] + BPE + [EOS], cut to the window as the text encoder sees it: the alignment's input. */
    private static int[] fullSequence(ClipTokenizer tokenizer, String caption) {
        List<Integer> ids = new ArrayList<>();
        ids.add(tokenizer.bosId());
        List<Integer> bpe = tokenizer.bpe(caption);
        ids.addAll(bpe.subList(0, Math.min(bpe.size(), tokenizer.maxLength() - 2)));
        ids.add(tokenizer.eosId());
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
