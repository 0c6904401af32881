package io.recaption.worker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the worker under test at the shared local stack (real Kafka, real S3 protocol), and stops that stack with
 * the application: the next application's tests are another class loader's, with a stack of their own.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return SharedStack.get().quarkusConfig();
    }

    @Override
    public void stop() {
        SharedStack.stop();
    }
}
