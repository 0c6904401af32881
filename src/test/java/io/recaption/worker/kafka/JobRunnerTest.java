package io.recaption.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.RequestReader;
import io.recaption.worker.WorkerGates;
import io.recaption.worker.ladder.LadderRig;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What becomes of a record, without a broker: the real runner, publisher, requeuer and retry over the ladder rig,
 * with emitters that record what they are given (and refuse while the test says the broker is away). Each test
 * asserts the record's end — acknowledged, dead-lettered with its code, or left for redelivery — the event, and
 * the status.
 */
@Tag("unit")
class JobRunnerTest {

    @TempDir
    Path work;

    private LadderRig rig;
    private JobRunner runner;
    private final Emitter<String> inversionEvents = new Emitter<>();
    private final Emitter<String> editEvents = new Emitter<>();
    private final Emitter<byte[]> inversionRequeue = new Emitter<>();
    private final Emitter<byte[]> editRequeue = new Emitter<>();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void wire() {
        rig = new LadderRig(work, Map.of("recaption.kafka.retry.initial-backoff", "PT0.001S",
                "recaption.kafka.retry.max-backoff", "PT0.004S", "recaption.kafka.retry.min-wait", "PT0.1S",
                "recaption.jobs.deadline", "PT1S"));
        PublishRetry retry = new PublishRetry(rig.config, rig.metrics, rig.clock);
        EventPublisher publisher = new EventPublisher(inversionEvents, editEvents, new ObjectMapper().findAndRegisterModules(),
                retry);
        Requeuer requeuer = new Requeuer(inversionRequeue, editRequeue, retry, rig.clock);
        WorkerGates gates = new WorkerGates(rig.engine, rig.captioner, rig.store, rig.health, rig.lifecycle, rig.config);
        runner = new JobRunner(rig.lifecycle, rig.ladder, publisher, requeuer, retry, rig.metrics, gates,
                new LadderRig.Milestones(), new CommitKeeper(null), rig.clock);
    }

    @Test
    void aJobsEventIsPublishedBeforeItsRecordIsAcknowledged() throws Exception {
        Delivery delivery = invert("k1");
        assertTrue(delivery.acked && delivery.deadLetter == null, delivery.toString());
        assertEquals("k1", inversionEvents.keys.get(0), "keyed by the job's id");
        assertEquals("succeeded", only(inversionEvents).path("status").asText());
        assertEquals(JobStatus.State.SUCCEEDED, status("k1").state());
    }

    @Test
    void aRecordThatIsNotARequestIsDeadLetteredWithItsCode() {
        Delivery delivery = deliver(JobKind.INVERSION, "{\"requestId\": \"k2\"".getBytes(StandardCharsets.UTF_8));
        assertEquals("NOT_JSON", delivery.deadLetter, delivery.toString());
        assertFalse(delivery.acked);
        assertTrue(inversionEvents.sent.isEmpty(), "no event: the record names no job anyone can know");
        assertEquals(0, rig.runs.get());
    }

    @Test
    void aBrokerAwayForAWhileDelaysTheEventAndFailsNothing() throws Exception {
        inversionEvents.refuseNext(3);
        Delivery delivery = invert("k3");
        assertTrue(delivery.acked, delivery.toString());
        assertEquals(4, inversionEvents.attempts.get(), "three refused, the fourth taken");
        assertEquals("succeeded", only(inversionEvents).path("status").asText());
    }

    @Test
    void anEventThatCannotBePublishedDeadLettersTheRecordAndItsReplayAnswersLater() throws Exception {
        inversionEvents.refuseNext(Integer.MAX_VALUE);
        Delivery delivery = invert("k4");
        assertEquals("EVENT_NOT_PUBLISHED", delivery.deadLetter, delivery.toString());
        assertFalse(delivery.acked);
        assertTrue(inversionEvents.attempts.get() > 3, "retried until the deadline: " + inversionEvents.attempts);
        assertEquals(JobStatus.State.SUCCEEDED, status("k4").state(), "the job itself is done, and says so");

        inversionEvents.refuseNext(0);
        Delivery replay = invert("k4"); // the dead letter sent again once the broker is back
        assertTrue(replay.acked, replay.toString());
        JsonNode event = only(inversionEvents);
        assertEquals("succeeded", event.path("status").asText());
        assertTrue(event.path("replayed").asBoolean(), event.toString());
        assertEquals(1, rig.runs.get(), "answered from the stored result: run once");
    }

    @Test
    void aPoisonJobIsAnsweredFailedAndDeadLettered() throws Exception {
        rig.s3.put(LadderRig.ARTIFACTS, rig.store.inversionPrefix(null, "k5") + ArtifactStore.LEASE, Leases.bytes(
                new Lease("worker-dead", 3, "a3", 2, rig.clock.instant().minusSeconds(60),
                        rig.clock.instant().minusSeconds(120), hashOf("k5"), Lease.State.HELD)));
        Delivery delivery = invert("k5");
        assertEquals("POISON", delivery.deadLetter, delivery.toString());
        assertEquals("POISON", only(inversionEvents).path("error").path("code").asText());
        assertEquals("POISON", status("k5").error().code());
        assertEquals(0, rig.runs.get());
    }

    @Test
    void anEditBeforeItsInversionIsPutBackCountedAndItsRecordAcknowledged() {
        Delivery delivery = deliver(JobKind.EDIT, "{\"editId\": \"e1\", \"inversionId\": \"k6\", \"caption\": \"a dog\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(delivery.acked, delivery.toString());
        assertTrue(editEvents.sent.isEmpty(), "no answer yet");
        assertEquals(1, editRequeue.sent.size());
        assertEquals("e1", editRequeue.keys.get(0));
        Message<byte[]> copy = editRequeue.sent.get(0);
        assertEquals("1", header(copy, Requeuer.REQUEUES_HEADER));
        assertTrue(header(copy, Requeuer.FIRST_SEEN_HEADER).matches("\\d+"), header(copy, Requeuer.FIRST_SEEN_HEADER));
        JobStatus queued = rig.store.readStatus(rig.store.editPrefix(null, "e1")).orElseThrow();
        assertEquals(JobStatus.State.QUEUED, queued.state());
        assertEquals("inversion k6", queued.waitingFor());
    }

    @Test
    void aRecordArrivingAtShutdownIsNeitherAcknowledgedNorDeadLettered() {
        rig.lifecycle.shutDown();
        Delivery delivery = invert("k7");
        assertFalse(delivery.acked);
        assertNull(delivery.deadLetter, "left uncommitted: the next worker gets it");
        assertTrue(inversionEvents.sent.isEmpty());
        assertTrue(rig.store.readStatus(rig.store.inversionPrefix(null, "k7")).isEmpty(), "nothing claims it started");
        assertEquals(0, rig.runs.get());
    }

    @Test
    void aJobAbandonedMidRunAtShutdownLeavesItsRecordForRedelivery() {
        rig.shutdownDuringRun = true;
        Delivery delivery = invert("k8");
        assertFalse(delivery.acked);
        assertNull(delivery.deadLetter);
        assertTrue(inversionEvents.sent.isEmpty(), "no event: the job did not end");
        assertEquals(JobStatus.State.QUEUED, status("k8").state());
    }

    // ----

    private static byte[] inversion(String id) {
        return ("{\"requestId\": \"" + id + "\", \"image\": {\"bucket\": \"" + LadderRig.UPLOADS
                + "\", \"key\": \"uploads/photo.png\"}, \"caption\": \"a cat\", \"options\": {\"steps\": 2,"
                + " \"innerSteps\": 1}}").getBytes(StandardCharsets.UTF_8);
    }

    private Delivery invert(String id) {
        return deliver(JobKind.INVERSION, inversion(id));
    }

    private Delivery deliver(JobKind kind, byte[] value) {
        Delivery delivery = new Delivery();
        Message<byte[]> message = Message.of(value, Metadata.empty(), metadata -> {
            delivery.acked = true;
            return CompletableFuture.completedFuture(null);
        }, (reason, metadata) -> {
            delivery.deadLetter = metadata.get(OutgoingKafkaRecordMetadata.class)
                    .map(m -> m.getHeaders().lastHeader(JobRunner.ERROR_CODE_HEADER))
                    .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse("(no code)");
            return CompletableFuture.completedFuture(null);
        });
        if (kind == JobKind.INVERSION) {
            runner.handle(message, rig.inversions, RequestReader::inversion).toCompletableFuture().join();
        } else {
            runner.handle(message, rig.edits, RequestReader::edit).toCompletableFuture().join();
        }
        return delivery;
    }

    private JsonNode only(Emitter<String> emitter) throws Exception {
        assertEquals(1, emitter.sent.size(), emitter.sent.toString());
        JsonNode event = json.readTree(emitter.sent.remove(0).getPayload());
        emitter.keys.remove(0);
        return event;
    }

    private JobStatus status(String id) {
        return rig.store.readStatus(rig.store.inversionPrefix(null, id)).orElseThrow();
    }

    private String hashOf(String id) {
        try {
            return rig.inversions.hash(rig.inversions.validate(RequestReader.inversion(inversion(id))));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String header(Message<byte[]> message, String name) {
        Header header = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** How a record ended: acknowledged, or nacked to the dead-letter topic with this code. */
    static final class Delivery {
        volatile boolean acked;
        volatile String deadLetter;

        @Override
        public String toString() {
            return "acked=" + acked + " deadLetter=" + deadLetter;
        }
    }

    /** An emitter that records what it takes and refuses the next N sends, as a broker that does not answer. */
    static final class Emitter<T> implements MutinyEmitter<T> {
        final List<Message<T>> sent = new CopyOnWriteArrayList<>();
        final List<String> keys = new CopyOnWriteArrayList<>();
        final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger refusals = new AtomicInteger();

        void refuseNext(int sends) {
            refusals.set(sends);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <M extends Message<? extends T>> void sendMessageAndAwait(M message) {
            attempts.incrementAndGet();
            if (refusals.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the broker did not acknowledge (test)");
            }
            sent.add((Message<T>) message);
            keys.add(message.getMetadata(OutgoingKafkaRecordMetadata.class).map(m -> String.valueOf(m.getKey())).orElse(null));
        }

        @Override
        public Uni<Void> send(T payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendAndAwait(T payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cancellable sendAndForget(T payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends T>> void send(M message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends T>> Uni<Void> sendMessage(M message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Message<? extends T>> Cancellable sendMessageAndForget(M message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {
            // nothing to end
        }

        @Override
        public void error(Exception e) {
            // nothing to end
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
