package io.recaption.worker;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;

/** The worker's configuration without Quarkus: the required settings, then the test's own. */
public final class TestConfigs {

    private TestConfigs() {}

    public static RecaptionConfig config(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "recaption.topics.inversion-requests", "a", "recaption.topics.inversion-events", "b",
                "recaption.topics.edit-requests", "c", "recaption.topics.edit-events", "d",
                "recaption.topics.inversion-requests-dlq", "e", "recaption.topics.edit-requests-dlq", "f",
                "recaption.consumer-group", "g", "recaption.model.path", "model",
                "recaption.artifacts.bucket", "artifacts"));
        properties.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(RecaptionConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(RecaptionConfig.class);
    }

    /** The validator the worker would build from these settings. */
    public static io.recaption.protocol.RequestValidator validator(Map<String, String> overrides) {
        return new io.recaption.protocol.RequestValidator(WorkerRules.rules(config(overrides)));
    }
}
