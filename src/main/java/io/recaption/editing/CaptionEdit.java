package io.recaption.editing;

import io.recaption.diffusion.Refusal;
import io.recaption.diffusion.InputRejectedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What changed between the source caption and the edited one, as Prompt-to-Prompt needs it: the
 * same number of words → a word swap (Replace) on the words that differ; a different number →
 * Refine with a token alignment; the same caption → no cross-attention replacement. Emphasis
 * (Reweight) comes from {@code word=factor} options or inline {@code (word:factor)} in the edited
 * caption, and applies on top of either. LocalBlend, when asked for, keeps the image outside the region of
 * {@code blendWords}, less the region of {@code blendExceptWords} (the reference's {@code substruct_words}).
 */
public record CaptionEdit(Kind kind, String source, String edited, List<Integer> swappedWords,
        Map<String, Float> emphasis, List<String> blendWords, List<String> blendExceptWords) {

    public enum Kind { NONE, REPLACE, REFINE }

    /**
     * Emphasis factors beyond ±this are refused: they saturate the softmax maps and only produce noise. Negative
     * factors are allowed: Prompt-to-Prompt's reweighting takes c ∈ [−2, 2] (§3.2), a negative one pushing the
     * image away from the word (the request validators accept ±{@code recaption.limits.max-emphasis}).
     */
    public static final float MAX_FACTOR = 100f;

    private static final Pattern INLINE = Pattern.compile("\\(([^()\\s:]+):([^()\\s]+)\\)");

    /** The edited caption with its inline emphasis removed, and that emphasis. */
    public record Inline(String caption, Map<String, Float> emphasis) {}

    /** Parses {@code (word:factor)} groups: "a (fluffy:2) cat" → "a fluffy cat", fluffy → 2. */
    public static Inline parseInline(String caption) {
        Map<String, Float> emphasis = new LinkedHashMap<>();
        Matcher matcher = INLINE.matcher(caption);
        StringBuilder plain = new StringBuilder();
        while (matcher.find()) {
            emphasis.put(matcher.group(1), parseFactor(matcher.group(1), matcher.group(2)));
            matcher.appendReplacement(plain, Matcher.quoteReplacement(matcher.group(1)));
        }
        matcher.appendTail(plain);
        return new Inline(plain.toString(), emphasis);
    }

    /**
     * The words of a caption as editing matches them: inline emphasis removed, split as {@link WordIndex#split},
     * each normalised by {@link #wordKey}. The one word rule that the engine and the request validators share,
     * so that a word a validator accepts is a word the controllers find.
     */
    public static List<String> wordKeys(String caption) {
        return WordIndex.split(parseInline(caption).caption()).stream().map(CaptionEdit::wordKey)
                .filter(word -> !word.isEmpty()).toList();
    }

    /** A word as editing compares it: lower case, without leading or trailing punctuation or symbols. */
    public static String wordKey(String word) {
        return WordIndex.normalize(word);
    }

    /** A factor as text → a finite number within ±{@link #MAX_FACTOR}, or a clear refusal. */
    public static float parseFactor(String word, String text) {
        float factor;
        try {
            factor = Float.parseFloat(text.trim());
        } catch (NumberFormatException e) {
            throw new InputRejectedException(Refusal.INVALID_FACTOR, "the emphasis factor of '" + word + "' is not a number: '"
                    + text + "'");
        }
        return checkFactor(word, factor);
    }

    public static float checkFactor(String word, float factor) {
        if (!Float.isFinite(factor) || Math.abs(factor) > MAX_FACTOR) {
            throw new InputRejectedException(Refusal.INVALID_FACTOR, "the emphasis factor of '" + word
                    + "' must be a finite number in [-" + MAX_FACTOR + ", " + MAX_FACTOR + "], got " + factor);
        }
        return factor;
    }

    /**
     * Derives the edit. {@code editedCaption} may carry inline emphasis; {@code emphasis} adds to it.
     * Every emphasised word must be in the edited caption and every blend word in one of the two.
     */
    public static CaptionEdit derive(String sourceCaption, String editedCaption, Map<String, Float> emphasis,
            List<String> blendWords) {
        return derive(sourceCaption, editedCaption, emphasis, blendWords, List.of());
    }

    /**
     * Derives the edit with a LocalBlend that leaves the region of {@code blendExceptWords} out of the blend
     * words' region; subtracted words, like blend words, must be in one of the captions, and need blend words.
     */
    public static CaptionEdit derive(String sourceCaption, String editedCaption, Map<String, Float> emphasis,
            List<String> blendWords, List<String> blendExceptWords) {
        if (editedCaption == null || editedCaption.isBlank()) {
            throw new InputRejectedException(Refusal.EMPTY_CAPTION, "the edited caption is empty");
        }
        Inline inline = parseInline(editedCaption);
        Map<String, Float> allEmphasis = new LinkedHashMap<>(inline.emphasis());
        if (emphasis != null) {
            emphasis.forEach((word, factor) -> allEmphasis.put(word, checkFactor(word, factor)));
        }
        String edited = inline.caption();
        List<String> sourceWords = WordIndex.split(sourceCaption);
        List<String> editedWords = WordIndex.split(edited);
        List<String> editedKeys = editedWords.stream().map(WordIndex::normalize).toList();
        List<String> sourceKeys = sourceWords.stream().map(WordIndex::normalize).toList();
        for (String word : allEmphasis.keySet()) {
            if (!editedKeys.contains(WordIndex.normalize(word))) {
                throw new InputRejectedException(Refusal.UNKNOWN_EMPHASIS_WORD, "the emphasised word '" + word
                        + "' is not in the caption \"" + edited + "\"");
            }
        }
        List<String> blend = blendWords == null ? List.of() : List.copyOf(blendWords);
        List<String> subtract = blendExceptWords == null ? List.of() : List.copyOf(blendExceptWords);
        for (List<String> words : List.of(blend, subtract)) {
            for (String word : words) {
                String key = WordIndex.normalize(word);
                if (!editedKeys.contains(key) && !sourceKeys.contains(key)) {
                    throw new InputRejectedException(Refusal.UNKNOWN_BLEND_WORD, "the local-blend word '" + word
                            + "' is in neither caption");
                }
            }
        }
        if (blend.isEmpty() && !subtract.isEmpty()) {
            throw new InputRejectedException(Refusal.INVALID_OPTIONS, "words to leave out of a local blend ("
                    + String.join(", ", subtract) + ") need local-blend words to leave them out of");
        }
        // The tokenizer lower-cases, so case alone is no change; punctuation is.
        List<String> sourceLower = sourceWords.stream().map(w -> w.toLowerCase(java.util.Locale.ROOT)).toList();
        List<String> editedLower = editedWords.stream().map(w -> w.toLowerCase(java.util.Locale.ROOT)).toList();
        List<Integer> swapped = new ArrayList<>();
        Kind kind;
        if (sourceLower.equals(editedLower)) {
            kind = Kind.NONE;
        } else if (sourceWords.size() == editedWords.size()) {
            kind = Kind.REPLACE;
            for (int i = 0; i < sourceWords.size(); i++) {
                if (!sourceLower.get(i).equals(editedLower.get(i))) {
                    swapped.add(i);
                }
            }
        } else {
            kind = Kind.REFINE;
        }
        return new CaptionEdit(kind, sourceCaption, edited, List.copyOf(swapped), Map.copyOf(allEmphasis), blend,
                subtract);
    }
}
