package io.recaption.worker.kafka;

import io.recaption.protocol.JobKind;
import io.recaption.protocol.LogSafe;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Puts a request back at the end of its own topic (an edit waiting for its inversion), and reads back what a
 * requeued copy carries: when the request was first delivered and how many times it was put back. Both are
 * headers anyone who produces to the topic can set, so they are believed only as far as they could be true.
 */
@ApplicationScoped
public class Requeuer {

    /** Header of a requeued request: when it was first delivered (epoch milliseconds). */
    public static final String FIRST_SEEN_HEADER = "recaption-first-seen";
    /** Header of a requeued request: how many times it has been put back (1 on the first copy). */
    public static final String REQUEUES_HEADER = "recaption-requeues";

    private final MutinyEmitter<byte[]> inversionRequeue;
    private final MutinyEmitter<byte[]> editRequeue;
    private final PublishRetry retry;
    private final Clock clock;

    public Requeuer(@Channel("inversion-requests-requeue") MutinyEmitter<byte[]> inversionRequeue,
            @Channel("edit-requests-requeue") MutinyEmitter<byte[]> editRequeue, PublishRetry retry, Clock clock) {
        this.inversionRequeue = inversionRequeue;
        this.editRequeue = editRequeue;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * Puts a request back (same key and value), remembering its first delivery and counting the times it was put
     * back ({@code requeues}, this one included); retried until {@code deadline}, the last failure thrown after it.
     */
    public void requeue(JobKind kind, String key, byte[] value, Instant firstSeen, int requeues, Instant deadline) {
        Message<byte[]> message = Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(List.of(
                        new RecordHeader(FIRST_SEEN_HEADER, Long.toString(firstSeen.toEpochMilli()).getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader(REQUEUES_HEADER, Integer.toString(requeues).getBytes(StandardCharsets.UTF_8))))
                .build());
        MutinyEmitter<byte[]> emitter = kind == JobKind.INVERSION ? inversionRequeue : editRequeue;
        retry.send(kind.wireName() + " requeue " + LogSafe.text(key), deadline, () -> emitter.sendMessageAndAwait(message));
    }

    /**
     * When the request was first delivered: a requeued copy's header, else the record's timestamp. A worker's
     * requeue is written after the first delivery, never before it, so a claim later than the record's own
     * timestamp (or than now) is clamped to it. Otherwise a forged future time keeps an edit waiting for its
     * inversion, requeued with the same header, for ever.
     */
    public Instant firstSeen(Message<byte[]> message) {
        Instant now = clock.instant();
        Optional<IncomingKafkaRecordMetadata> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class);
        if (metadata.isEmpty()) {
            return now;
        }
        Instant timestamp = metadata.get().getTimestamp();
        Instant recorded = timestamp == null || timestamp.isAfter(now) ? now : timestamp;
        Header header = metadata.get().getHeaders().lastHeader(FIRST_SEEN_HEADER);
        if (header != null) {
            try {
                Instant claimed = Instant.ofEpochMilli(Long.parseLong(new String(header.value(), StandardCharsets.UTF_8)));
                return claimed.isAfter(recorded) ? recorded : claimed;
            } catch (NumberFormatException | DateTimeException ignored) {
                // a header that is not ours: fall back to the record's time
            }
        }
        return recorded;
    }

    /**
     * How many times the record was put back before (0 without the header or with one that is not a count). A
     * client may claim any count: a high one only ends its own edit sooner.
     */
    public static int requeues(Message<byte[]> message) {
        Header header = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> metadata.getHeaders().lastHeader(REQUEUES_HEADER)).orElse(null);
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
