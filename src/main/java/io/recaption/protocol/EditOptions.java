package io.recaption.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An edit request's rendering options, defaults filled in from {@code recaption.edit.*} and validated by the
 * worker: a non-empty caption within the character limit; every emphasis word one of the caption's words
 * with a finite factor within ±limit; replace fractions finite in 0..1.
 *
 * @param caption the edited caption (the source caption is in the inversion's manifest)
 * @param emphasis word → attention factor (Prompt-to-Prompt reweighting), in request order
 * @param localBlend words whose cross-attention selects the region that may change (empty: no local blend)
 * @param localBlendExcept words whose region is taken out of that region, so stays as in the photo (the
 *     reference's {@code substruct_words}: "background" except "cat" changes the background around the cat)
 * @param crossReplaceSteps fraction of steps during which cross-attention is replaced/refined from the source
 * @param selfReplaceSteps fraction of steps during which self-attention is taken from the source
 */
public record EditOptions(
        String caption,
        Map<String, Double> emphasis,
        List<String> localBlend,
        List<String> localBlendExcept,
        double crossReplaceSteps,
        double selfReplaceSteps) {

    public EditOptions {
        emphasis = Collections.unmodifiableMap(new LinkedHashMap<>(emphasis));
        localBlend = List.copyOf(localBlend);
        localBlendExcept = List.copyOf(localBlendExcept);
    }
}
