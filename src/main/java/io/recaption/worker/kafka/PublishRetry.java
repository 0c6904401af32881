package io.recaption.worker.kafka;

import io.recaption.worker.JobMetrics;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Sends to Kafka until the broker acknowledges, with exponential backoff ({@code recaption.kafka.retry.*}), until a
 * deadline: a broker that is away for a while delays an answer and never turns it into a failure before then.
 */
@ApplicationScoped
public class PublishRetry {

    private static final Logger LOG = Logger.getLogger(PublishRetry.class);

    private final RecaptionConfig.Kafka.Retry retry;
    private final JobMetrics metrics;
    private final Clock clock;

    public PublishRetry(RecaptionConfig config, JobMetrics metrics, Clock clock) {
        this.retry = config.kafka().retry();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Until when a job's answer is retried: its deadline, and at least {@code min-wait} from now. */
    public Instant deadline(RunningJob job) {
        Instant least = clock.instant().plus(retry.minWait());
        return job.deadline().isAfter(least) ? job.deadline() : least;
    }

    /** Runs {@code send} until it returns; its last failure is thrown when the next try would pass the deadline. */
    public void send(String what, Instant deadline, Runnable send) {
        long backoff = retry.initialBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                send.run();
                return;
            } catch (RuntimeException e) {
                if (clock.instant().plusMillis(backoff).isAfter(deadline)) {
                    throw e;
                }
                metrics.publishRetry();
                LOG.warnf("Kafka: %s not published (attempt %d), retrying in %d ms: %s", what, attempt, backoff, e.getMessage());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing " + what, e);
            }
            backoff = Math.min(backoff * 2, retry.maxBackoff().toMillis());
        }
    }
}
