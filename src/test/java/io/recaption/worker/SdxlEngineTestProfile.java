package io.recaption.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.recaption.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The worker with its real engine on the tiny SDXL snapshot (the published layout), against the shared local stack. */
public class SdxlEngineTestProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(LocalStackResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new WorkerTestProfile().getConfigOverrides());
        config.put("recaption.model.path", Fixtures.tinySdxl().toString());
        return config;
    }
}
