package io.recaption.protocol;

import io.recaption.diffusion.InputRejectedException;
import io.recaption.editing.CaptionEdit;
import io.recaption.inversion.InversionMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges the values of a request that was read (ids are already safe): captions, option ranges, the input
 * bucket allow-list and key, emphasis words. A violation is a {@link JobFailure}, answered with a failed
 * event. Absent options take the defaults of the {@link RequestRules}. Plain Java: the worker judges with it,
 * and so does the caption editor before it publishes, so that what one refuses the other refuses too.
 */
public final class RequestValidator {

    /** Why a caption-less request is refused where no captioning model is configured. */
    public static final String CAPTION_REQUIRED = "the request has no caption and this worker has no captioning model to"
            + " write one: send a caption";

    /** The codes of a refusal by this validator: what a request's values alone decide, before anything is read. */
    public static final Set<ErrorCode> REFUSALS = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
            ErrorCode.CAPTION_REQUIRED, ErrorCode.EMPTY_CAPTION, ErrorCode.CAPTION_TOO_LONG, ErrorCode.INVALID_OPTIONS,
            ErrorCode.BUCKET_NOT_ALLOWED, ErrorCode.INPUT_NOT_ALLOWED, ErrorCode.INVALID_IMAGE_KEY,
            ErrorCode.BUDGET_EXCEEDED, ErrorCode.EMPHASIS_WORD_NOT_IN_CAPTION));

    private final RequestRules rules;

    public RequestValidator(RequestRules rules) {
        this.rules = rules;
    }

    public RequestRules rules() {
        return rules;
    }

    /** The request as a job, with the rules' own answer to whether a caption-less request can be captioned. */
    public InversionJob inversion(WireRequests.Inversion request) throws JobFailure {
        return inversion(request, rules.captionerAvailable());
    }

    /**
     * As {@link #inversion(WireRequests.Inversion)}, for a caller that knows better whether the request's worker
     * can caption: the caption editor publishes to workers whose captioner it does not load itself.
     */
    public InversionJob inversion(WireRequests.Inversion request, boolean captionerAvailable) throws JobFailure {
        if (request.caption() == null && !captionerAvailable) {
            throw new JobFailure(ErrorCode.CAPTION_REQUIRED, CAPTION_REQUIRED);
        }
        String caption = request.caption() == null ? null : caption(request.caption());
        String bucket = inputBucket(request.imageBucket());
        ImageRef image = new ImageRef(bucket, allowedInput(bucket, imageKey(request.imageKey())));
        RequestRules.InversionDefaults defaults = rules.inversion();
        RequestRules.Limits limits = rules.limits();
        String methodName = request.method() == null ? defaults.method() : request.method();
        InversionMethod method;
        try {
            method = InversionMethod.parse(methodName);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS, "options.method '" + RequestReader.clip(methodName)
                    + "' is not one of " + InversionMethod.labels());
        }
        InversionOptions options = new InversionOptions(
                method,
                integer("options.steps", request.steps(), defaults.steps(), 1, limits.maxSteps()),
                real("options.guidanceScale", request.guidanceScale(), defaults.guidanceScale(), 0, limits.maxGuidanceScale()),
                integer("options.innerSteps", request.innerSteps(), defaults.innerSteps(), 0, limits.maxInnerSteps()),
                real("options.earlyStopEpsilon", request.earlyStopEpsilon(), defaults.earlyStopEpsilon(), 0, 1),
                Boolean.TRUE.equals(request.truncateCaption()));
        long cost = UnetBudget.inversion(options.method(), options.steps(), options.innerSteps());
        if (cost > limits.maxUnetEvaluations()) {
            throw new JobFailure(ErrorCode.BUDGET_EXCEEDED, "steps " + options.steps() + " × innerSteps " + options.innerSteps()
                    + " of " + options.method().label() + " cost " + cost + " UNet evaluations, at most "
                    + limits.maxUnetEvaluations() + " are accepted");
        }
        return new InversionJob(request.requestId(), image, caption, options, request.owner());
    }

    public EditJob edit(WireRequests.Edit request) throws JobFailure {
        String caption = caption(request.caption());
        RequestRules.Limits limits = rules.limits();
        if (request.emphasis().size() > limits.maxWords() || request.localBlend().size() > limits.maxWords()
                || request.localBlendExcept().size() > limits.maxWords()) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS,
                    "at most " + limits.maxWords() + " words in emphasis, in localBlend and in localBlendExcept");
        }
        Set<String> captionWords = new HashSet<>(words(caption));
        Map<String, Double> emphasis = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : request.emphasis().entrySet()) {
            String word = singleWord("emphasis", entry.getKey());
            if (!captionWords.contains(CaptionEdit.wordKey(word))) {
                throw new JobFailure(ErrorCode.EMPHASIS_WORD_NOT_IN_CAPTION,
                        "emphasis word '" + RequestReader.clip(word) + "' is not a word of the caption");
            }
            double factor = entry.getValue();
            if (!Double.isFinite(factor) || Math.abs(factor) > limits.maxEmphasis()) {
                throw new JobFailure(ErrorCode.INVALID_OPTIONS, "emphasis factor of '" + RequestReader.clip(word)
                        + "' must be finite within ±" + limits.maxEmphasis() + ", got " + factor);
            }
            emphasis.put(word, factor);
        }
        List<String> localBlend = new ArrayList<>();
        for (String word : request.localBlend()) {
            // which caption (source or edited) a blend word belongs to is the engine's to judge
            localBlend.add(singleWord("localBlend", word));
        }
        List<String> localBlendExcept = new ArrayList<>();
        for (String word : request.localBlendExcept()) {
            localBlendExcept.add(singleWord("localBlendExcept", word));
        }
        if (localBlend.isEmpty() && !localBlendExcept.isEmpty()) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS,
                    "localBlendExcept takes words out of the localBlend region: it needs localBlend words");
        }
        RequestRules.EditDefaults defaults = rules.edit();
        EditOptions options = new EditOptions(
                caption,
                emphasis,
                localBlend,
                localBlendExcept,
                real("crossReplaceSteps", request.crossReplaceSteps(), defaults.crossReplaceSteps(), 0, 1),
                real("selfReplaceSteps", request.selfReplaceSteps(), defaults.selfReplaceSteps(), 0, 1));
        return new EditJob(request.editId(), request.inversionId(), options, request.owner());
    }

    /** The allowed input buckets; the first is the one a request without a bucket means. */
    public List<String> inputBuckets() {
        return rules.inputs().buckets();
    }

    private String caption(String caption) throws JobFailure {
        if (caption.isBlank()) {
            throw new JobFailure(ErrorCode.EMPTY_CAPTION, "the caption is empty");
        }
        int max = rules.limits().maxCaptionChars();
        if (caption.length() > max) {
            throw new JobFailure(ErrorCode.CAPTION_TOO_LONG,
                    "the caption has " + caption.length() + " characters, at most " + max + " are accepted");
        }
        return caption.strip();
    }

    private String inputBucket(String bucket) throws JobFailure {
        List<String> allowed = inputBuckets();
        if (bucket == null) {
            return allowed.get(0);
        }
        if (!allowed.contains(bucket)) {
            throw new JobFailure(ErrorCode.BUCKET_NOT_ALLOWED,
                    "bucket '" + RequestReader.clip(bucket) + "' is not an allowed input bucket");
        }
        return bucket;
    }

    /**
     * Inputs come from under the allowed prefixes only, and never from the worker's own artifacts (another
     * user's inversion or edit) whatever the prefixes say.
     */
    private String allowedInput(String bucket, String key) throws JobFailure {
        RequestRules.Inputs inputs = rules.inputs();
        if (bucket.equals(inputs.artifactsBucket()) && inputs.artifactPrefixes().stream().anyMatch(key::startsWith)) {
            throw new JobFailure(ErrorCode.INPUT_NOT_ALLOWED, "image.key '" + RequestReader.clip(key)
                    + "' is one of the worker's own artifacts, not an input");
        }
        List<String> prefixes = inputs.prefixes();
        if (!prefixes.isEmpty() && prefixes.stream().noneMatch(key::startsWith)) {
            throw new JobFailure(ErrorCode.INPUT_NOT_ALLOWED, "image.key '" + RequestReader.clip(key)
                    + "' is not under an input prefix (" + String.join(", ", prefixes) + ")");
        }
        return key;
    }

    /** Keys must be relative paths of plain segments: no '..' or '.', no leading '/', no backslash or controls. */
    private String imageKey(String key) throws JobFailure {
        int max = rules.limits().maxKeyLength();
        if (key.isEmpty()) {
            throw new JobFailure(ErrorCode.INVALID_IMAGE_KEY, "image.key is empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > max) {
            throw new JobFailure(ErrorCode.INVALID_IMAGE_KEY, "image.key is longer than " + max + " bytes");
        }
        if (key.startsWith("/")) {
            throw new JobFailure(ErrorCode.INVALID_IMAGE_KEY, "image.key must be relative, got '" + RequestReader.clip(key) + "'");
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw new JobFailure(ErrorCode.INVALID_IMAGE_KEY, "image.key contains a control character or a backslash");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new JobFailure(ErrorCode.INVALID_IMAGE_KEY,
                        "image.key has an empty, '.' or '..' segment: '" + RequestReader.clip(key) + "'");
            }
        }
        return key;
    }

    private static String singleWord(String field, String word) throws JobFailure {
        if (word.isBlank() || word.strip().chars().anyMatch(Character::isWhitespace)) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS,
                    field + " entries must be single words, got '" + RequestReader.clip(word) + "'");
        }
        return word.strip();
    }

    /** The caption's words as editing matches them (inline emphasis removed); refuses a malformed inline factor. */
    static List<String> words(String caption) throws JobFailure {
        try {
            return CaptionEdit.wordKeys(caption);
        } catch (InputRejectedException e) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS, e.getMessage());
        }
    }

    private static int integer(String field, Double value, int fallback, int min, int max) throws JobFailure {
        if (value == null) {
            return fallback;
        }
        double v = value;
        if (!Double.isFinite(v) || v != Math.rint(v) || v < min || v > max) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS,
                    field + " must be an integer in " + min + ".." + max + ", got " + value);
        }
        return (int) v;
    }

    private static double real(String field, Double value, double fallback, double min, double max) throws JobFailure {
        if (value == null) {
            return fallback;
        }
        double v = value;
        if (!Double.isFinite(v) || v < min || v > max) {
            throw new JobFailure(ErrorCode.INVALID_OPTIONS, field + " must be finite in " + min + ".." + max + ", got " + value);
        }
        return v;
    }
}
