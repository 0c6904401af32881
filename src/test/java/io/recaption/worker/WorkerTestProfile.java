package io.recaption.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.recaption.worker.testengine.TestJobEngine;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker with the test engine against the shared local stack; short retries and status intervals so that
 * fault tests take seconds. Every worker integration test uses this one profile, so Quarkus starts once.
 */
public class WorkerTestProfile implements QuarkusTestProfile {

    /** Small enough that a test can upload a larger object. */
    public static final long MAX_IMAGE_BYTES = 2_000_000;

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(TestJobEngine.class);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(LocalStackResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "recaption.input.buckets", SharedStack.UPLOADS_BUCKET + "," + SharedStack.ARTIFACTS_BUCKET,
                "recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET,
                "recaption.storage.retry.attempts", "8",
                "recaption.storage.retry.initial-backoff", "PT0.25S",
                "recaption.storage.retry.max-backoff", "PT2S",
                "recaption.jobs.status-interval", "PT0.2S",
                "recaption.jobs.work-dir", "target/worker-jobs",
                "recaption.limits.max-image-bytes", String.valueOf(MAX_IMAGE_BYTES));
    }
}
