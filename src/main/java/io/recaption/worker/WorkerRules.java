package io.recaption.worker;

import io.recaption.protocol.RequestRules;
import io.recaption.protocol.RequestValidator;
import io.recaption.worker.store.ArtifactStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The worker's configuration as the protocol's {@link RequestRules}: {@code recaption.limits.*},
 * {@code recaption.inversion.*} and {@code recaption.edit.*} defaults, {@code recaption.input.*}, and whether a
 * captioning model is configured. One {@link RequestValidator} over them serves the ladder and the caption editor.
 */
@Singleton
public class WorkerRules {

    @Produces
    @Singleton
    RequestValidator validator(RecaptionConfig config) {
        return new RequestValidator(rules(config));
    }

    public static RequestRules rules(RecaptionConfig config) {
        RecaptionConfig.Limits limits = config.limits();
        RecaptionConfig.InversionDefaults inversion = config.inversion();
        List<String> buckets = config.input().buckets().filter(b -> !b.isEmpty()).orElse(List.of(config.artifacts().bucket()));
        List<String> prefixes = config.input().prefixes().stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
        return new RequestRules(
                new RequestRules.Limits(limits.maxKeyLength(), limits.maxCaptionChars(), limits.maxSteps(),
                        limits.maxInnerSteps(), limits.maxUnetEvaluations(), limits.maxGuidanceScale(),
                        limits.maxEmphasis(), limits.maxWords()),
                new RequestRules.InversionDefaults(inversion.method(), inversion.steps(), inversion.guidanceScale(),
                        inversion.innerSteps(), inversion.earlyStopEpsilon()),
                new RequestRules.EditDefaults(config.edit().crossReplaceSteps(), config.edit().selfReplaceSteps()),
                new RequestRules.Inputs(buckets, prefixes, config.artifacts().bucket(), ArtifactStore.ownPrefixes(config)),
                config.captioner().path().filter(p -> !p.isBlank()).isPresent());
    }
}
