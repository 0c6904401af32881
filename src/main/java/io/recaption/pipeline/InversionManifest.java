package io.recaption.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.recaption.artifacts.InversionFiles;
import io.recaption.model.blip.BlipModelIdentity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Collections;

/**
 * {@code manifest.json} of an inversion: what was inverted, by which model, with which settings, and how it
 * went. Its JSON (field names = component names, {@link Manifests}) is the stored format that
 * {@link InversionFiles#read} and the worker read back; {@code formatVersion}, {@code caption} and
 * {@code settings.steps} are the fields the reader checks.
 *
 * @param model the model's identity (never a local path)
 * @param captionSource who wrote {@code caption}; absent in manifests written before captioning existed, read as
 *     {@code user}
 * @param captioner the captioning model that wrote it (snapshot name and config hash), when {@code captionSource}
 *     is {@code model}
 * @param innerStepsRun Adam steps run per timestep (empty for methods without optimization)
 * @param finalLosses the last loss per timestep
 * @param unetEvaluations UNet forward passes, per image (null-text's backward passes are not in it)
 * @param psnr reconstruction against the input, dB
 * @param seconds seconds per phase and {@code total}
 * @param provenance the run that published it (null until a service stamps it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InversionManifest(
        int formatVersion,
        ModelIdentity model,
        String caption,
        CaptionSource captionSource,
        BlipModelIdentity captioner,
        int captionTokens,
        boolean captionTruncated,
        String method,
        Settings settings,
        int imageSize,
        int sourceWidth,
        int sourceHeight,
        List<Integer> innerStepsRun,
        List<Double> finalLosses,
        long unetEvaluations,
        double psnr,
        Map<String, Double> seconds,
        Instant createdAt,
        Provenance provenance) {

    /** The inversion's settings as run. */
    public record Settings(int steps, double guidanceScale, int innerSteps, double earlyStopEpsilon, double learningRate) {
        public Settings {
            if (steps < 1 || innerSteps < 0) {
                throw new IllegalArgumentException("steps ≥ 1 and innerSteps ≥ 0, got " + steps + ", " + innerSteps);
            }
        }
    }

    public InversionManifest {
        if (formatVersion != InversionFiles.FORMAT_VERSION) {
            throw new IllegalArgumentException("inversion format " + formatVersion + ", this build writes "
                    + InversionFiles.FORMAT_VERSION);
        }
        if (model == null || caption == null || method == null || settings == null || createdAt == null) {
            throw new IllegalArgumentException("an inversion manifest needs model, caption, method, settings, createdAt");
        }
        captionSource = captionSource == null ? CaptionSource.USER : captionSource;
        if ((captionSource == CaptionSource.MODEL) != (captioner != null)) {
            throw new IllegalArgumentException("a model's caption names its captioner, a person's names none");
        }
        innerStepsRun = innerStepsRun == null ? List.of() : List.copyOf(innerStepsRun);
        finalLosses = finalLosses == null ? List.of() : Collections.unmodifiableList(new java.util.ArrayList<>(finalLosses));
        seconds = seconds == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    @JsonProperty("kind")
    public String kind() {
        return "inversion";
    }

    /** This manifest stamped with the run that publishes it. */
    public InversionManifest withProvenance(Provenance value) {
        return new InversionManifest(formatVersion, model, caption, captionSource, captioner, captionTokens, captionTruncated, method, settings,
                imageSize, sourceWidth, sourceHeight, innerStepsRun, finalLosses, unetEvaluations, psnr, seconds,
                createdAt, value);
    }
}
