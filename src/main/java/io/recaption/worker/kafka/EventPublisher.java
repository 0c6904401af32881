package io.recaption.worker.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.JobMetrics;
import io.recaption.worker.RecaptionConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes events to {@code inversion-events} / {@code edit-events}, keyed by the job's id, and waits for the
 * broker's acknowledgement ({@code acks=all}) so that a request is committed only after its event is written;
 * a broker that does not answer is retried with backoff until the job's deadline. The one place events become
 * JSON. Also puts a request back on its own topic (an edit waiting for its inversion).
 */
@ApplicationScoped
public class EventPublisher {

    /** Header of a requeued request: when it was first delivered (epoch milliseconds). */
    public static final String FIRST_SEEN_HEADER = "recaption-first-seen";
    /** Header of a requeued request: how many times it has been put back (1 on the first copy). */
    public static final String REQUEUES_HEADER = "recaption-requeues";

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final MutinyEmitter<String> inversionEvents;
    private final MutinyEmitter<String> editEvents;
    private final MutinyEmitter<byte[]> inversionRequeue;
    private final MutinyEmitter<byte[]> editRequeue;
    private final ObjectMapper json;
    private final RecaptionConfig config;
    private final JobMetrics metrics;
    private final Clock clock;

    public EventPublisher(
            @Channel("inversion-events") MutinyEmitter<String> inversionEvents,
            @Channel("edit-events") MutinyEmitter<String> editEvents,
            @Channel("inversion-requests-requeue") MutinyEmitter<byte[]> inversionRequeue,
            @Channel("edit-requests-requeue") MutinyEmitter<byte[]> editRequeue,
            ObjectMapper json, RecaptionConfig config, JobMetrics metrics, Clock clock) {
        this.clock = clock;
        this.inversionEvents = inversionEvents;
        this.editEvents = editEvents;
        this.inversionRequeue = inversionRequeue;
        this.editRequeue = editRequeue;
        this.json = json;
        this.config = config;
        this.metrics = metrics;
    }

    /** The event's JSON. */
    public String toJson(JobEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes, retrying until {@code deadline}; the last failure is thrown after it. */
    public void publish(JobKind kind, JobEvent event, Instant deadline) {
        Message<String> message = Message.of(toJson(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.id()).build());
        MutinyEmitter<String> emitter = kind == JobKind.INVERSION ? inversionEvents : editEvents;
        retrying(kind.wireName() + " event " + LogSafe.text(event.id()), deadline,
                () -> emitter.sendMessageAndAwait(message));
    }

    /**
     * Puts a request back at the end of its topic (same key and value), remembering its first delivery and counting
     * the times it was put back ({@code requeues}, this one included).
     */
    public void requeue(JobKind kind, String key, byte[] value, Instant firstSeen, int requeues, Instant deadline) {
        Message<byte[]> message = Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(List.of(
                        new RecordHeader(FIRST_SEEN_HEADER, Long.toString(firstSeen.toEpochMilli()).getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader(REQUEUES_HEADER, Integer.toString(requeues).getBytes(StandardCharsets.UTF_8))))
                .build());
        MutinyEmitter<byte[]> emitter = kind == JobKind.INVERSION ? inversionRequeue : editRequeue;
        retrying(kind.wireName() + " requeue " + LogSafe.text(key), deadline, () -> emitter.sendMessageAndAwait(message));
    }

    private void retrying(String what, Instant deadline, Runnable send) {
        long backoff = config.storage().retry().initialBackoff().toMillis();
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
            backoff = Math.min(backoff * 2, config.storage().retry().maxBackoff().toMillis());
        }
    }
}
