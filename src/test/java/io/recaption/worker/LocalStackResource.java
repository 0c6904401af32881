package io.recaption.worker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the worker under test at the shared local stack (real Kafka, real S3 protocol). */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return SharedStack.get().quarkusConfig();
    }

    @Override
    public void stop() {
        // the shared stack outlives one application start; the JVM's exit stops it
    }
}
