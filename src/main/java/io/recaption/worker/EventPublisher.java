package io.recaption.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes events to {@code inversion-events} / {@code edit-events}, keyed by the job's id, and waits for the
 * broker's acknowledgement ({@code acks=all}) so that a request is committed only after its event is written.
 */
@ApplicationScoped
public class EventPublisher {

    private final MutinyEmitter<String> inversionEvents;
    private final MutinyEmitter<String> editEvents;
    private final ObjectMapper json;

    public EventPublisher(
            @Channel("inversion-events") MutinyEmitter<String> inversionEvents,
            @Channel("edit-events") MutinyEmitter<String> editEvents,
            ObjectMapper json) {
        this.inversionEvents = inversionEvents;
        this.editEvents = editEvents;
        this.json = json;
    }

    public void publish(JobKind kind, String key, ObjectNode event) {
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        Message<String> message = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
        (kind == JobKind.INVERSION ? inversionEvents : editEvents).sendMessageAndAwait(message);
    }
}
