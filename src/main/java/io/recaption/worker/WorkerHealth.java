package io.recaption.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The worker's own health checks, next to SmallRye's per-channel Kafka checks and the Kafka client's broker
 * check. Readiness: the engine's model is loaded, the artifacts bucket answers, and the worker is not shutting
 * down. Liveness reports the running job but never fails because of it: a long inversion is normal.
 */
public final class WorkerHealth {

    private static final Duration S3_TIMEOUT = Duration.ofSeconds(3);

    private WorkerHealth() {}

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        private final JobEngine engine;
        private final ArtifactStore store;
        private final JobLifecycle lifecycle;

        public Ready(JobEngine engine, ArtifactStore store, JobLifecycle lifecycle) {
            this.engine = engine;
            this.store = store;
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            boolean engineReady = engine.ready();
            boolean s3 = store.reachable(S3_TIMEOUT);
            boolean accepting = lifecycle.accepting();
            return HealthCheckResponse.named("recaption-worker")
                    .withData("engine", engineReady)
                    .withData("s3", s3)
                    .withData("accepting", accepting)
                    .status(engineReady && s3 && accepting)
                    .build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        private final JobLifecycle lifecycle;
        private final Clock clock = Clock.systemUTC();

        public Live(JobLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("recaption-job").up();
            lifecycle.current().ifPresent(job -> builder
                    .withData("kind", job.kind().wireName())
                    .withData("id", job.id())
                    .withData("seconds", Duration.between(job.startedAt(), clock.instant()).toSeconds()));
            return builder.build();
        }
    }
}
