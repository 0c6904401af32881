package io.recaption.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What a worker admits and what it fills in, as plain values: the limits of a request, the defaults of absent
 * options, and where inputs may come from. The worker builds it from its configuration; any client that wants
 * to refuse what a worker would refuse (the caption editor does, before it publishes) builds the same record.
 *
 * @param captionerAvailable whether a request without a caption can be captioned (else {@code CAPTION_REQUIRED})
 */
public record RequestRules(Limits limits, InversionDefaults inversion, EditDefaults edit, Inputs inputs,
        boolean captionerAvailable) {

    public RequestRules {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(inversion, "inversion");
        Objects.requireNonNull(edit, "edit");
        Objects.requireNonNull(inputs, "inputs");
    }

    /**
     * Upper bounds of a request's values.
     *
     * @param maxKeyLength an image key's length in UTF-8 bytes
     * @param maxUnetEvaluations the most UNet evaluations one inversion may cost ({@link UnetBudget})
     * @param maxWords words in {@code emphasis} and in {@code localBlend}, each
     */
    public record Limits(int maxKeyLength, int maxCaptionChars, int maxSteps, int maxInnerSteps, long maxUnetEvaluations,
            double maxGuidanceScale, double maxEmphasis, int maxWords) {}

    /** What an inversion request without these options gets; {@code method} is a wire label. */
    public record InversionDefaults(String method, int steps, double guidanceScale, int innerSteps,
            double earlyStopEpsilon) {}

    /** What an edit request without these options gets. */
    public record EditDefaults(double crossReplaceSteps, double selfReplaceSteps) {}

    /**
     * Where inputs come from.
     *
     * @param buckets the allowed input buckets; the first is the one a request without a bucket means
     * @param prefixes the key prefixes inputs must be under (empty: any key)
     * @param artifactsBucket the worker's own bucket
     * @param artifactPrefixes where in it the worker writes: never an input, whatever {@code prefixes} say
     */
    public record Inputs(List<String> buckets, List<String> prefixes, String artifactsBucket,
            List<String> artifactPrefixes) {

        public Inputs {
            buckets = List.copyOf(buckets);
            prefixes = List.copyOf(prefixes);
            artifactPrefixes = List.copyOf(artifactPrefixes);
            if (buckets.isEmpty()) {
                throw new IllegalArgumentException("at least one input bucket");
            }
        }
    }
}
