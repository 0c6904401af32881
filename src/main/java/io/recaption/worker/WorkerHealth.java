package io.recaption.worker;

import io.recaption.protocol.LogSafe;
import io.recaption.worker.ladder.JobLifecycle;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.StorageHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * The worker's own health checks, next to SmallRye's per-channel Kafka checks and the Kafka client's broker
 * check.
 * <ul>
 *   <li>Startup: the model (and the captioner, where one is configured) is loaded (down while it loads and when
 *       it failed to).
 *   <li>Readiness: the model is loaded, S3 answers (the worker's last calls succeeded and the bucket answers
 *       now), and the worker is not shutting down.
 *   <li>Liveness: down when the model cannot be loaded (Kubernetes restarts the container instead of leaving a
 *       pod that can never work) and when the running job has made no progress for
 *       {@code recaption.jobs.stall-timeout} (a hung GPU). A long job that progresses is never a reason.
 * </ul>
 */
public final class WorkerHealth {

    private static final Duration S3_TIMEOUT = Duration.ofSeconds(3);

    private WorkerHealth() {}

    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {

        private final WorkerGates gates;

        public Started(WorkerGates gates) {
            this.gates = gates;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("recaption-model").status(gates.loaded());
            gates.loadFailure().ifPresent(failure -> builder.withData("loadFailure", failure));
            return builder.build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        private final WorkerGates gates;
        private final ArtifactStore store;
        private final StorageHealth storage;
        private final JobLifecycle lifecycle;

        public Ready(WorkerGates gates, ArtifactStore store, StorageHealth storage, JobLifecycle lifecycle) {
            this.gates = gates;
            this.store = store;
            this.storage = storage;
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            boolean engineReady = gates.loaded();
            boolean s3 = storage.up() && store.reachable(S3_TIMEOUT);
            boolean accepting = lifecycle.accepting();
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("recaption-worker")
                    .withData("engine", engineReady)
                    .withData("s3", s3)
                    .withData("accepting", accepting)
                    .status(engineReady && s3 && accepting);
            storage.downSince().ifPresent(since -> builder.withData("s3DownSince", since.toString()));
            return builder.build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        private final JobLifecycle lifecycle;
        private final WorkerGates gates;
        private final RecaptionConfig config;
        private final Clock clock = Clock.systemUTC();

        public Live(JobLifecycle lifecycle, WorkerGates gates, RecaptionConfig config) {
            this.lifecycle = lifecycle;
            this.gates = gates;
            this.config = config;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("recaption-job").up();
            // one entry set per running job, named by its kind (one job per request topic at a time)
            for (RunningJob job : lifecycle.running()) {
                String kind = job.kind().wireName();
                builder.withData(kind + ".id", LogSafe.text(job.id()))
                        .withData(kind + ".seconds", Duration.between(job.startedAt(), clock.instant()).toSeconds())
                        .withData(kind + ".secondsSinceProgress",
                                Duration.between(job.lastProgress(), clock.instant()).toSeconds());
            }
            lifecycle.stalled().ifPresent(job -> builder.down().withData("stalled",
                    "no progress for more than " + config.jobs().stallTimeout()));
            gates.loadFailure().ifPresent(failure -> builder.down().withData("modelLoadFailure", failure));
            return builder.build();
        }
    }
}
