package io.recaption.worker.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.LogSafe;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes events to {@code inversion-events} / {@code edit-events}, keyed by the job's id, and waits for the
 * broker's acknowledgement ({@code acks=all}) so that a request is committed only after its event is written;
 * a broker that does not answer is retried ({@link PublishRetry}) until the job's deadline. The one place events
 * become JSON.
 */
@ApplicationScoped
public class EventPublisher {

    private final MutinyEmitter<String> inversionEvents;
    private final MutinyEmitter<String> editEvents;
    private final ObjectMapper json;
    private final PublishRetry retry;

    public EventPublisher(
            @Channel("inversion-events") MutinyEmitter<String> inversionEvents,
            @Channel("edit-events") MutinyEmitter<String> editEvents,
            ObjectMapper json, PublishRetry retry) {
        this.inversionEvents = inversionEvents;
        this.editEvents = editEvents;
        this.json = json;
        this.retry = retry;
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
        retry.send(kind.wireName() + " event " + LogSafe.text(event.id()), deadline,
                () -> emitter.sendMessageAndAwait(message));
    }
}
