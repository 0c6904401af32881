package io.recaption.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Micrometer meters (Prometheus at /q/metrics): {@code recaption_jobs_total{kind,outcome}} with outcome
 * succeeded, failed, replayed, dead_lettered or abandoned; {@code recaption_job_duration_seconds{kind}} for the
 * engine's time; {@code recaption_job_running} 1 while a job runs.
 */
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;

    public JobMetrics(MeterRegistry registry, JobLifecycle lifecycle) {
        this.registry = registry;
        Gauge.builder("recaption.job.running", lifecycle, l -> l.current().isPresent() ? 1 : 0)
                .description("1 while a job runs")
                .register(registry);
    }

    public void outcome(JobKind kind, String outcome) {
        Counter.builder("recaption.jobs")
                .description("jobs by outcome")
                .tag("kind", kind.wireName())
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void engineTime(JobKind kind, double seconds) {
        Timer.builder("recaption.job.duration")
                .description("time the engine spent on a job")
                .tag("kind", kind.wireName())
                .register(registry)
                .record(Duration.ofMillis(Math.round(seconds * 1000)));
    }
}
