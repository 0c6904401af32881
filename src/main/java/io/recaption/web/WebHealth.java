package io.recaption.web;

import io.recaption.worker.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The editor is ready when the artifacts bucket answers (every page view reads it); Kafka's own readiness check
 * covers the broker. Not the worker's check: the web loads no model. Up, and idle, where the web is off.
 */
@Readiness
@ApplicationScoped
public class WebHealth implements HealthCheck {

    private static final Duration S3_TIMEOUT = Duration.ofSeconds(3);

    private final WebConfig config;
    private final ArtifactStore store;

    public WebHealth(WebConfig config, ArtifactStore store) {
        this.config = config;
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        if (!config.enabled()) {
            return HealthCheckResponse.named("recaption-web").up().withData("enabled", false).build();
        }
        boolean s3 = store.reachable(S3_TIMEOUT);
        return HealthCheckResponse.named("recaption-web").withData("enabled", true).withData("s3", s3).status(s3).build();
    }
}
