package io.recaption.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of an edit: the captions, the kind of edit Prompt-to-Prompt made of them, its controls
 * and cost. JSON through {@link Manifests}.
 *
 * @param model the model that rendered it
 * @param editType {@code replace} (word swap), {@code refine} (added words) or {@code none}
 * @param swappedWords indices of the source words a swap replaced
 * @param localBlendExcept words whose region the local blend left as in the photo
 * @param emphasisDownInEncoder whether words weighed below 1 were weighed so in the text encoder too
 *     ({@code EditSettings#emphasisDownInEncoder}), or in cross-attention only as the reference
 * @param steps sampling steps (the inversion's)
 * @param provenance the run that published it (null until a service stamps it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EditManifest(
        ModelIdentity model,
        String sourceCaption,
        String caption,
        String editType,
        List<Integer> swappedWords,
        Map<String, Double> emphasis,
        List<String> localBlend,
        List<String> localBlendExcept,
        double crossReplaceSteps,
        double selfReplaceSteps,
        boolean emphasisDownInEncoder,
        double guidanceScale,
        int steps,
        long unetEvaluations,
        double seconds,
        Instant createdAt,
        Provenance provenance) {

    public EditManifest {
        if (model == null || sourceCaption == null || caption == null || editType == null || createdAt == null) {
            throw new IllegalArgumentException("an edit manifest needs model, captions, editType, createdAt");
        }
        swappedWords = swappedWords == null ? List.of() : List.copyOf(swappedWords);
        emphasis = emphasis == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(emphasis));
        localBlend = localBlend == null ? List.of() : List.copyOf(localBlend);
        localBlendExcept = localBlendExcept == null ? List.of() : List.copyOf(localBlendExcept);
    }

    @JsonProperty("kind")
    public String kind() {
        return "edit";
    }

    public EditManifest withProvenance(Provenance value) {
        return new EditManifest(model, sourceCaption, caption, editType, swappedWords, emphasis, localBlend,
                localBlendExcept, crossReplaceSteps, selfReplaceSteps, emphasisDownInEncoder, guidanceScale, steps, unetEvaluations, seconds, createdAt, value);
    }
}
