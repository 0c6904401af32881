package io.recaption.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.recaption.worker.testengine.TestJobEngine;
import java.time.Duration;
import java.util.HashMap;
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
    /** Long enough for every test's jobs but the one that runs past it. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How long an edit waits for its inversion here. */
    public static final Duration INVERSION_WAIT = Duration.ofSeconds(4);
    /** A running job without progress for this long fails liveness. */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(3);

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
        Map<String, String> config = new HashMap<>();
        config.put("recaption.input.buckets", SharedStack.UPLOADS_BUCKET + "," + SharedStack.ARTIFACTS_BUCKET);
        config.put("recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET);
        config.put("recaption.storage.retry.initial-backoff", "PT0.25S");
        config.put("recaption.storage.retry.max-backoff", "PT2S");
        config.put("recaption.kafka.retry.initial-backoff", "PT0.25S");
        config.put("recaption.kafka.retry.max-backoff", "PT2S");
        config.put("recaption.kafka.retry.min-wait", "PT5S");
        config.put("recaption.storage.retry.max-wait", "PT5S");
        config.put("recaption.jobs.status-interval", "PT0.2S");
        config.put("recaption.jobs.work-dir", "target/worker-jobs");
        config.put("recaption.jobs.deadline", DEADLINE.toString());
        config.put("recaption.jobs.stall-timeout", STALL_TIMEOUT.toString());
        config.put("recaption.lease.duration", "PT5S");
        config.put("recaption.lease.renew-interval", "PT1S");
        config.put("recaption.edit.inversion-wait", INVERSION_WAIT.toString());
        config.put("recaption.edit.requeue-delay", "PT0.5S");
        config.put("recaption.limits.max-image-bytes", String.valueOf(MAX_IMAGE_BYTES));
        return config;
    }
}
