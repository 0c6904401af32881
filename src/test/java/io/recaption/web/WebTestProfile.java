package io.recaption.web;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.recaption.worker.LocalStackResource;
import io.recaption.worker.SharedStack;
import io.recaption.worker.WorkerTestProfile;
import io.recaption.worker.testengine.TestJobEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code web} profile as the command runs it, against the shared local stack (real Kafka, real S3 protocol),
 * plus a worker in the same application with the test engine, so that what the web publishes is really consumed,
 * run, written to S3 and read back. (The web profile switches the worker's channels off; this turns them on again.)
 * The API and browser tests share it, so Quarkus starts once for both.
 */
public class WebTestProfile implements QuarkusTestProfile {

    /** Uploads the tests' editor takes at once. */
    public static final int MAX_CONCURRENT_UPLOADS = 2;

    @Override
    public String getConfigProfile() {
        return "web";
    }

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
        Map<String, String> config = new HashMap<>(Map.of(
                "recaption.input.buckets", SharedStack.UPLOADS_BUCKET + "," + SharedStack.ARTIFACTS_BUCKET,
                "recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET,
                "recaption.jobs.status-interval", "PT0.2S",
                "recaption.jobs.work-dir", "target/worker-jobs",
                "recaption.limits.max-image-bytes", String.valueOf(WorkerTestProfile.MAX_IMAGE_BYTES),
                "quarkus.http.test-port", "0"));
        // the tests' editor is on loopback: open, as demo's is (WebLockedDownTest and WebStartTest check the closed one)
        config.put("recaption.web.auth.anonymous", "true");
        config.put("recaption.web.max-concurrent-uploads", String.valueOf(MAX_CONCURRENT_UPLOADS));
        for (String channel : List.of("incoming.inversion-requests", "incoming.edit-requests", "outgoing.inversion-events",
                "outgoing.edit-events")) {
            config.put("%web.mp.messaging." + channel + ".enabled", "true");
        }
        return config;
    }
}
