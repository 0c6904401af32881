package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.devstack.LocalStack;
import io.recaption.worker.testengine.TestJobEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet, end to end (issue 10's proof): worker processes (the production jar with the test engine) on
 * topics of 6 partitions, 67 requests in three waves with edits interleaved (some before their inversions) and
 * one poison record, while workers are SIGKILLed in each delivery window (mid-engine; after the manifest,
 * before the event; after the event, before the commit), join and leave, S3 is down for 20 s with jobs in
 * flight, and the broker restarts. {@link FleetAudit} then checks what the issue asks: one manifest per id and
 * a final status, at least one succeeded event and never two unmarked ones, every artifact under its
 * manifest's attempt, no partition left with lag, no job failed for an outage, the poison dead-lettered.
 */
@Tag("integration")
class FleetIT {

    static final List<String> TOPICS = List.of(SharedStack.INVERSION_REQUESTS, SharedStack.INVERSION_EVENTS,
            SharedStack.EDIT_REQUESTS, SharedStack.EDIT_EVENTS, SharedStack.INVERSION_DLQ, SharedStack.EDIT_DLQ);
    static final int PARTITIONS = 6;
    static final String PHOTO = "uploads/fleet/photo.png";
    private static final Duration WINDOW = Duration.ofSeconds(8);
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final String ENGINE_WINDOW = "fleet-window-engine";
    static final String MANIFEST_WINDOW = "fleet-window-manifest";
    static final String EVENT_WINDOW = "fleet-window-event";
    static final String POISON = "fleet-poison";

    @Test
    void aFleetUnderFaultsLosesNothingAndDoesNothingTwice() throws Exception {
        long begin = System.nanoTime();
        try (LocalStack stack = LocalStack.start(LocalStack.defaultJarsDir(), Path.of("target", "fleet-stack").toAbsolutePath(),
                TOPICS, PARTITIONS, List.of(SharedStack.ARTIFACTS_BUCKET, SharedStack.UPLOADS_BUCKET))) {
            try (var s3 = stack.s3().client()) {
                s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(TestImages.photo()));
            }
            Path jar = WorkerJar.build();
            try (Fleet fleet = new Fleet(jar, stack, workerConfig());
                    TestKafka kafka = new TestKafka(stack.kafka().bootstrapServers(), List.of(SharedStack.INVERSION_EVENTS,
                            SharedStack.EDIT_EVENTS, SharedStack.INVERSION_DLQ, SharedStack.EDIT_DLQ));
                    FleetAudit audit = new FleetAudit(stack, kafka)) {
                fleet.start("w1", "w2", "w3");
                System.out.printf("[fleet] stack, jar and 3 workers up after %.1f s%n", (System.nanoTime() - begin) / 1e9);
                long start = System.nanoTime();
                List<String> names = new CopyOnWriteArrayList<>(List.of("w1", "w2", "w3"));
                Thread supervisor = supervise(fleet, names);
                Workload workload = new Workload(kafka);

                // wave 1 and a SIGKILL in each window
                workload.wave(1, 20, 10, 4);
                workload.special(ENGINE_WINDOW, 100, "a cat " + ENGINE_WINDOW);
                workload.special(MANIFEST_WINDOW, 10, "a cat " + MANIFEST_WINDOW);
                workload.special(EVENT_WINDOW, 10, "a cat " + EVENT_WINDOW);
                workload.special(POISON, 10, "a cat " + TestJobEngine.CRASH);
                // the three windows are watched at once: they open whenever their jobs get there
                List<Thread> watchers = List.of(
                        watch(() -> killHolder(fleet, audit, ENGINE_WINDOW, () -> audit.running(ENGINE_WINDOW, 0.2), "mid-engine")),
                        watch(() -> killHolder(fleet, audit, MANIFEST_WINDOW,
                                () -> audit.manifest(MANIFEST_WINDOW) && audit.events(MANIFEST_WINDOW).isEmpty(),
                                "after the manifest, before the event")),
                        watch(() -> killHolder(fleet, audit, EVENT_WINDOW, () -> !audit.events(EVENT_WINDOW).isEmpty(),
                                "after the event, before the commit")));
                for (Thread watcher : watchers) {
                    watcher.join();
                }
                assertEquals(List.of(), windowFailures, "every window opened and its worker was killed in it");

                // wave 2: a worker joins, S3 goes away for 20 s with jobs in flight, a worker leaves
                names.add("w4");
                fleet.start("w4");
                workload.wave(2, 12, 6, 2);
                Thread.sleep(1500);
                System.out.printf("[fleet] S3 down at %.1f s%n", (System.nanoTime() - start) / 1e9);
                stack.s3().stop();
                Thread.sleep(20_000);
                stack.s3().start();
                System.out.printf("[fleet] S3 back at %.1f s%n", (System.nanoTime() - start) / 1e9);
                String leaving = fleet.stopOneOf(names, Duration.ofMinutes(2));
                names.remove(leaving);

                // wave 3 and a broker restart
                workload.wave(3, 10, 5, 1);
                Thread.sleep(1000);
                System.out.printf("[fleet] broker restarting at %.1f s%n", (System.nanoTime() - start) / 1e9);
                stack.kafka().restart(Duration.ofSeconds(3));
                System.out.printf("[fleet] broker back at %.1f s%n", (System.nanoTime() - start) / 1e9);

                audit.awaitAnswered(workload.all(), TIMEOUT);
                supervisor.interrupt();
                double seconds = (System.nanoTime() - start) / 1e9;
                FleetAudit.Report report = audit.check(workload, POISON);
                System.out.printf("[fleet] %d requests (%d inversions, %d edits, %d sent before their inversion) answered in "
                        + "%.1f s; %d worker starts, %d SIGKILLs; %s%n", workload.all().size(), workload.inversions().size(),
                        workload.edits().size(), workload.early(), seconds, fleet.starts(), fleet.kills(), report);
                audit.awaitNoLag(stack, Duration.ofSeconds(60));
                assertTrue(report.takenOver() >= 1, "the job killed mid-engine was finished by a later attempt: " + report);
                assertEquals(1, report.poisoned(), "the poison record was dead-lettered once");
            }
        }
    }

    /** The common configuration of the fleet's workers. */
    static Map<String, String> workerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET);
        config.put("recaption.input.buckets", SharedStack.UPLOADS_BUCKET);
        for (String channel : List.of("inversion-requests", "edit-requests")) {
            config.put("mp.messaging.incoming." + channel + ".session.timeout.ms", "6000");
            config.put("mp.messaging.incoming." + channel + ".heartbeat.interval.ms", "1000");
        }
        config.put("recaption.lease.duration", "PT6S");
        config.put("recaption.lease.renew-interval", "PT1S");
        config.put("recaption.jobs.deadline", "PT3M");
        config.put("recaption.jobs.status-interval", "PT0.2S");
        config.put("recaption.jobs.shutdown-grace", "PT10S");
        config.put("recaption.storage.retry.initial-backoff", "PT0.25S");
        config.put("recaption.storage.retry.max-backoff", "PT2S");
        config.put("recaption.kafka.retry.initial-backoff", "PT0.25S");
        config.put("recaption.kafka.retry.max-backoff", "PT2S");
        config.put("recaption.edit.inversion-wait", "PT3M");
        config.put("recaption.edit.requeue-delay", "PT1S");
        config.put("recaption-test.engine.step-delay", "PT0.05S");
        config.put("recaption-test.engine.allow-crash", "true");
        config.put("recaption-test.faults.pause-ids", MANIFEST_WINDOW + "|" + EVENT_WINDOW);
        config.put("recaption-test.faults.pause", WINDOW.toString());
        config.put("quarkus.log.category.\"io.smallrye.reactive.messaging.kafka\".level", "WARN");
        return config;
    }

    private final List<String> windowFailures = new CopyOnWriteArrayList<>();

    /** Runs a window's watch on a thread of its own; its failure is collected. */
    private Thread watch(ThrowingRunnable watch) {
        Thread thread = new Thread(() -> {
            try {
                watch.run();
            } catch (Exception | AssertionError e) {
                windowFailures.add(e.getMessage());
            }
        }, "fleet-window");
        thread.start();
        return thread;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Waits for {@code window} to open for {@code id}, SIGKILLs the worker holding its lease, and brings it back. */
    private static void killHolder(Fleet fleet, FleetAudit audit, String id, java.util.function.BooleanSupplier window,
            String what) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (window.getAsBoolean()) {
                String holder = audit.leaseHolder(id);
                if (holder != null && fleet.alive(holder)) {
                    fleet.kill(holder);
                    System.out.printf("[fleet] %s killed %s (%s)%n", holder, what, id);
                    new Thread(() -> fleet.start(holder), "restart-" + holder).start();
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the window '" + what + "' of " + id + " never opened");
    }

    /** Restarts workers that died on their own (the poison halts its JVM), as Kubernetes would. */
    private static Thread supervise(Fleet fleet, List<String> names) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                    fleet.reviveDead(names);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    System.out.println("[fleet] supervisor: " + e.getMessage());
                }
            }
        }, "fleet-supervisor");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The requests sent, by wave. */
    static final class Workload {
        private final TestKafka kafka;
        private final List<String> inversions = new ArrayList<>();
        private final List<String> edits = new ArrayList<>();
        private final Map<String, String> editOf = new LinkedHashMap<>();
        private int early;

        Workload(TestKafka kafka) {
            this.kafka = kafka;
        }

        /** {@code count} inversions, {@code withEdits} of them edited, the first {@code earlyEdits} edits sent first. */
        void wave(int wave, int count, int withEdits, int earlyEdits) {
            for (int i = 0; i < count; i++) {
                String id = "fleet-w" + wave + "-inv-" + i;
                String editId = i < withEdits ? "fleet-w" + wave + "-edit-" + i : null;
                if (editId != null && i < earlyEdits) {
                    sendEdit(editId, id);
                    early++;
                }
                special(id, 10, "a cat " + id);
                if (editId != null && i >= earlyEdits) {
                    sendEdit(editId, id);
                }
            }
        }

        void special(String id, int steps, String caption) {
            ObjectNode request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, caption);
            request.with("options").put("steps", steps).put("innerSteps", 0);
            kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
            inversions.add(id);
        }

        private void sendEdit(String editId, String inversionId) {
            kafka.send(SharedStack.EDIT_REQUESTS, editId, Requests.edit(editId, inversionId, "a tiger " + inversionId));
            edits.add(editId);
            editOf.put(editId, inversionId);
        }

        List<String> inversions() {
            return inversions;
        }

        List<String> edits() {
            return edits;
        }

        int early() {
            return early;
        }

        List<String> all() {
            List<String> all = new ArrayList<>(inversions);
            all.addAll(edits);
            return all;
        }
    }
}
