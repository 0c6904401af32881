package io.recaption.worker.kafka;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InvalidMessage;
import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.JobCancelled;
import io.recaption.worker.JobMetrics;
import io.recaption.worker.RunningJob;
import io.recaption.worker.WorkerGates;
import io.recaption.worker.ladder.JobLadder;
import io.recaption.worker.ladder.JobLifecycle;
import io.recaption.worker.ladder.JobMilestone;
import io.recaption.worker.ladder.JobSteps;
import io.recaption.worker.ladder.Outcome;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * What every request record goes through, on its topic's one-thread worker pool: wait until the model is loaded
 * and S3 answers (nothing is taken before), read it (a record that is not a request is dead-lettered with
 * its reason), run the job ladder, carry out its outcome — publish the event, put the record back, or
 * dead-letter a poison — and only then acknowledge the record: the commit strategy commits acknowledged
 * offsets only. A record that arrives while shutting down, or whose job is abandoned by shutdown, is neither
 * acknowledged nor dead-lettered: it stays uncommitted and is redelivered.
 */
@ApplicationScoped
public class JobRunner {

    /** Header of a dead letter naming its {@link ErrorCode} (next to SmallRye's {@code dead-letter-reason}). */
    public static final String ERROR_CODE_HEADER = "recaption-error-code";

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobLifecycle lifecycle;
    private final JobLadder ladder;
    private final EventPublisher publisher;
    private final Requeuer requeuer;
    private final PublishRetry retry;
    private final JobMetrics metrics;
    private final WorkerGates gates;
    private final Event<JobMilestone> milestones;
    private final CommitKeeper commits;
    private final Clock clock;

    public JobRunner(JobLifecycle lifecycle, JobLadder ladder, EventPublisher publisher, Requeuer requeuer,
            PublishRetry retry, JobMetrics metrics, WorkerGates gates, Event<JobMilestone> milestones,
            CommitKeeper commits, Clock clock) {
        this.requeuer = requeuer;
        this.retry = retry;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.ladder = ladder;
        this.publisher = publisher;
        this.metrics = metrics;
        this.gates = gates;
        this.milestones = milestones;
        this.commits = commits;
    }

    /** Reads a record's value into a wire request. */
    @FunctionalInterface
    public interface Reader<W> {
        W read(byte[] value) throws InvalidMessage;
    }

    <W> CompletionStage<Void> handle(Message<byte[]> message, JobSteps<W, ?, ?> steps, Reader<W> reader) {
        JobKind kind = steps.kind();
        if (!lifecycle.accepting() || !gates.awaitOpen()) {
            metrics.outcome(kind, "abandoned", null);
            return leftForRedelivery();
        }
        W request;
        try {
            request = reader.read(message.getPayload());
        } catch (InvalidMessage e) {
            LOG.warnf("%s record dead-lettered (%s): %s", kind.wireName(), e.code(), LogSafe.text(e.getMessage()));
            metrics.outcome(kind, "dead_lettered", e.code());
            return commits.track(message, deadLetter(message, e));
        }
        String id = steps.id(request);
        Instant firstSeen = requeuer.firstSeen(message);
        RunningJob job = lifecycle.start(kind, id, firstSeen, Requeuer.requeues(message));
        metrics.queueWait(kind, Duration.between(firstSeen, job.startedAt()));
        job.attachToThread();
        try {
            Outcome outcome;
            try {
                outcome = ladder.process(steps, request, job);
            } catch (JobCancelled e) {
                LOG.warn(e.getMessage());
                metrics.outcome(kind, "abandoned", null);
                return leftForRedelivery();
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s %s: unexpected failure", kind.wireName(), LogSafe.text(id));
                // only where even the failed status could not be written (JobLadder writes it otherwise)
                outcome = new Outcome.Answer(steps.failed(request, JobFailure.workerError(), false));
            }
            return carryOut(message, steps, id, job, outcome);
        } finally {
            job.detachFromThread();
            lifecycle.finish(job);
        }
    }

    private <W> CompletionStage<Void> carryOut(Message<byte[]> message, JobSteps<W, ?, ?> steps, String id, RunningJob job,
            Outcome outcome) {
        JobKind kind = steps.kind();
        Instant deadline = retry.deadline(job);
        try {
            if (outcome instanceof Outcome.Requeue requeue) {
                requeuer.requeue(kind, id, message.getPayload(), job.firstSeen(), job.requeues() + 1, deadline);
                LOG.infof("%s %s: put back on its topic (%s)", kind.wireName(), LogSafe.text(id), requeue.why());
                metrics.outcome(kind, "requeued", null);
                return commits.track(message, message.ack());
            }
            JobEvent event = outcome instanceof Outcome.Poison poison ? poison.event() : ((Outcome.Answer) outcome).event();
            publisher.publish(kind, event, deadline);
            milestones.fire(new JobMilestone(kind, id, JobMilestone.Point.EVENT_PUBLISHED));
            String result = event.isReplay() ? "replayed" : event.status();
            ErrorCode code = event.error() == null ? null : ErrorCode.valueOf(event.error().code());
            metrics.outcome(kind, outcome instanceof Outcome.Poison ? "poisoned" : result, code);
            metrics.duration(kind, result, Duration.between(job.startedAt(), clock.instant()));
            LOG.infof("%s %s: %s%s", kind.wireName(), LogSafe.text(id), result, code == null ? "" : " " + code);
            if (outcome instanceof Outcome.Poison) {
                return commits.track(message, deadLetter(message, new InvalidMessage(ErrorCode.POISON, event.error().message())));
            }
            return commits.track(message, message.ack());
        } catch (RuntimeException e) {
            LOG.errorf("%s %s: event not published until the deadline: %s", kind.wireName(), LogSafe.text(id), e.getMessage());
            metrics.outcome(kind, "dead_lettered", ErrorCode.EVENT_NOT_PUBLISHED);
            return commits.track(message, deadLetter(message, new InvalidMessage(ErrorCode.EVENT_NOT_PUBLISHED,
                    "the " + kind.wireName() + " event could not be published")));
        }
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
