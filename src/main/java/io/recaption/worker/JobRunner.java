package io.recaption.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * What every request record goes through, on the jobs' one-thread worker pool: read it (a record that is not a
 * request is dead-lettered with its reason), run the job, publish its event, and only then acknowledge the
 * record — the commit strategy commits acknowledged offsets only. A record that arrives while shutting down,
 * or whose job is abandoned by shutdown, is neither acknowledged nor dead-lettered: it stays uncommitted and
 * is redelivered.
 */
@ApplicationScoped
public class JobRunner {

    /** Header of a dead letter naming its {@link ErrorCode} (next to SmallRye's {@code dead-letter-reason}). */
    public static final String ERROR_CODE_HEADER = "recaption-error-code";

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobLifecycle lifecycle;
    private final EventPublisher publisher;
    private final JobMetrics metrics;

    public JobRunner(JobLifecycle lifecycle, EventPublisher publisher, JobMetrics metrics) {
        this.lifecycle = lifecycle;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** Reads a record's value into a wire request. */
    @FunctionalInterface
    public interface Reader<W> {
        W read(byte[] value) throws InvalidMessage;
    }

    /** Runs a job and returns its event (a failed event for a job that failed). */
    @FunctionalInterface
    public interface Processor<W> {
        ObjectNode process(W request, RunningJob job);
    }

    public <W> CompletionStage<Void> handle(
            Message<byte[]> message, JobKind kind, Reader<W> reader, Function<W, String> id, Processor<W> processor) {
        if (!lifecycle.accepting()) {
            metrics.outcome(kind, "abandoned");
            return leftForRedelivery();
        }
        W request;
        try {
            request = reader.read(message.getPayload());
        } catch (InvalidMessage e) {
            LOG.warnf("%s record dead-lettered (%s): %s", kind.wireName(), e.code(), e.getMessage());
            metrics.outcome(kind, "dead_lettered");
            return deadLetter(message, e);
        }
        String jobId = id.apply(request);
        RunningJob job = lifecycle.start(kind, jobId);
        ObjectNode event;
        try {
            event = processor.process(request, job);
        } catch (JobCancelled e) {
            LOG.warn(e.getMessage());
            metrics.outcome(kind, "abandoned");
            return leftForRedelivery();
        } finally {
            lifecycle.finish(job);
        }
        try {
            publisher.publish(kind, jobId, event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s %s: event not published", kind.wireName(), jobId);
            return deadLetter(message, new InvalidMessage(ErrorCode.EVENT_NOT_PUBLISHED,
                    "the " + kind.wireName() + " event could not be published: " + e.getMessage()));
        }
        String outcome = event.path("replayed").asBoolean() ? "replayed" : event.path("status").asText();
        metrics.outcome(kind, outcome);
        LOG.infof("%s %s: %s", kind.wireName(), jobId, outcome);
        return message.ack();
    }

    private static CompletionStage<Void> deadLetter(Message<byte[]> message, InvalidMessage reason) {
        OutgoingKafkaRecordMetadata<Object> headers = OutgoingKafkaRecordMetadata.builder()
                .withHeaders(List.of(new RecordHeader(ERROR_CODE_HEADER, reason.code().name().getBytes(StandardCharsets.UTF_8))))
                .build();
        return message.nack(reason, Metadata.of(headers));
    }

    private static CompletionStage<Void> leftForRedelivery() {
        return CompletableFuture.completedFuture(null);
    }
}
