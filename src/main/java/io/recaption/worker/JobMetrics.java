package io.recaption.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobKind;
import io.recaption.worker.ladder.JobLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;

/**
 * Micrometer meters (Prometheus at /q/metrics):
 * <ul>
 *   <li>{@code recaption_jobs_total{kind,outcome,code}}: outcome succeeded, failed, replayed, poisoned,
 *       requeued, dead_lettered or abandoned; code the error code ({@code none} without one);
 *   <li>{@code recaption_job_duration_seconds{kind,outcome}}: a job from its start to its event, histogram;
 *   <li>{@code recaption_job_engine_seconds{kind}}: the engine's part of it, histogram;
 *   <li>{@code recaption_job_queue_wait_seconds{kind}}: from the record's first delivery to the job's start;
 *   <li>{@code recaption_job_engine_wait_seconds{kind}}: a fetched job's wait for the model's turn (the other
 *       kind's job had it);
 *   <li>{@code recaption_job_running} the jobs running (0 to 2: one per request topic),
 *       {@code recaption_job_running_age_seconds} how long the longest running has run;
 *   <li>{@code recaption_storage_retries_total}, {@code recaption_event_publish_retries_total},
 *       {@code recaption_lease_takeovers_total{kind}}.
 * </ul>
 * Histograms carry explicit buckets from a second to an hour (jobs take seconds to many minutes).
 */
@ApplicationScoped
public class JobMetrics {

    private static final Duration[] BUCKETS = {
        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofHours(1)};

    private final MeterRegistry registry;

    public JobMetrics(MeterRegistry registry, JobLifecycle lifecycle) {
        this.registry = registry;
        Clock clock = Clock.systemUTC();
        Gauge.builder("recaption.job.running", lifecycle, l -> l.running().size())
                .description("jobs running (at most one per request topic)")
                .register(registry);
        Gauge.builder("recaption.job.running.age", lifecycle, l -> l.running().stream().findFirst()
                        .map(job -> Duration.between(job.startedAt(), clock.instant()).toMillis() / 1000.0).orElse(0.0))
                .description("seconds the longest running job has run (0 when none)")
                .baseUnit("seconds")
                .register(registry);
    }

    public void outcome(JobKind kind, String outcome, ErrorCode code) {
        Counter.builder("recaption.jobs")
                .description("jobs by outcome and error code")
                .tag("kind", kind.wireName())
                .tag("outcome", outcome)
                .tag("code", code == null ? "none" : code.name())
                .register(registry)
                .increment();
    }

    public void duration(JobKind kind, String outcome, Duration duration) {
        histogram("recaption.job.duration", "a job from its start to its event", kind)
                .tag("outcome", outcome).register(registry).record(duration);
    }

    public void engineTime(JobKind kind, double seconds) {
        histogram("recaption.job.engine", "time the engine spent on a job", kind)
                .register(registry).record(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    public void engineWait(JobKind kind, Duration wait) {
        histogram("recaption.job.engine.wait", "time a fetched job waited for the model's turn", kind)
                .register(registry).record(wait.isNegative() ? Duration.ZERO : wait);
    }

    public void queueWait(JobKind kind, Duration wait) {
        histogram("recaption.job.queue.wait", "from a request's first delivery to its job's start", kind)
                .register(registry).record(wait.isNegative() ? Duration.ZERO : wait);
    }

    public void storageRetry() {
        Counter.builder("recaption.storage.retries").description("S3 calls retried").register(registry).increment();
    }

    public void publishRetry() {
        Counter.builder("recaption.event.publish.retries").description("event publications retried")
                .register(registry).increment();
    }

    public void leaseTakeover(JobKind kind) {
        Counter.builder("recaption.lease.takeovers").description("expired leases of other workers taken over")
                .tag("kind", kind.wireName()).register(registry).increment();
    }

    private static Timer.Builder histogram(String name, String description, JobKind kind) {
        return Timer.builder(name).description(description).tag("kind", kind.wireName())
                .serviceLevelObjectives(BUCKETS).minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(2));
    }
}
