package io.recaption.worker.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.protocol.JobEvent;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobKind;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.WireRequests;
import io.recaption.worker.JobCancelled;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import io.recaption.worker.TestImages;
import io.recaption.worker.lease.Lease;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.InMemoryS3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job ladder's exits as unit tests: the real ladder, attempt runner, leases, status tracker and store, over an
 * S3 in memory ({@link InMemoryS3}) and a clock of the test's own, with the test engine. Each asserts the event
 * (the outcome) and the status the exit leaves, and how often the engine ran; no Kafka, no S3 server, no Quarkus.
 */
@Tag("unit")
class JobLadderTest {

    private static final String ARTIFACTS = LadderRig.ARTIFACTS;
    private static final String UPLOADS = LadderRig.UPLOADS;

    @TempDir
    Path work;

    private LadderRig rig;
    private LadderRig.TestClock clock;
    private InMemoryS3 s3;
    private RecaptionConfig config;
    private ArtifactStore store;
    private JobLadder ladder;
    private InversionSteps inversions;
    private EditSteps edits;
    private Leases leases;
    private AtomicInteger runs;

    @BeforeEach
    void wire() {
        rig = new LadderRig(work, Map.of());
        clock = rig.clock;
        s3 = rig.s3;
        config = rig.config;
        store = rig.store;
        ladder = rig.ladder;
        inversions = rig.inversions;
        edits = rig.edits;
        leases = rig.leases;
        runs = rig.runs;
    }

    @Test
    void aJobRunsOnceAndAReSentRequestIsAReplay() {
        JobEvent first = answer(invert("p1", "a cat"));
        assertEquals(JobEvent.SUCCEEDED, first.status());
        assertFalse(first.isReplay());
        JobEvent again = answer(invert("p1", "a cat"));
        assertEquals(JobEvent.SUCCEEDED, again.status());
        assertTrue(again.isReplay(), "answered from the stored manifest");
        assertEquals(1, runs.get(), "the engine ran once");
        assertEquals(JobStatus.State.SUCCEEDED, status("p1").state());
    }

    @Test
    void anInputWithoutAnETagIsIdentifiedByItsBytes() {
        s3.withoutETags(UPLOADS);
        assertEquals(JobEvent.SUCCEEDED, answer(invert("p2", "a cat")).status());
        assertTrue(status("p2").requestHash().startsWith("sha256:"), status("p2").toString());
        assertTrue(answer(invert("p2", "a cat")).isReplay());
        assertEquals(1, runs.get());
        s3.put(UPLOADS, "uploads/photo.png", TestImages.photo(7)); // other bytes under the same key
        assertEquals("ID_CONFLICT", answer(invert("p2", "a cat")).error().code());
    }

    @Test
    void aConflictingReSendOverwritesNothing() {
        answer(invert("p3", "a cat"));
        JobStatus before = status("p3");
        JobEvent conflict = answer(invert("p3", "a dog"));
        assertEquals(JobEvent.FAILED, conflict.status());
        assertEquals("ID_CONFLICT", conflict.error().code());
        assertEquals(before, status("p3"), "the stored status is the first request's");
        assertEquals(1, runs.get());
    }

    @Test
    void aLeaseWhoseHolderDiedIsTakenOverAndPoisonComesAfterMaxStarts() {
        // a worker that died holding attempt 1: expired a minute ago
        seedLease("p4", new Lease("worker-dead", 1, "a1", 0, clock.instant().minusSeconds(60),
                clock.instant().minusSeconds(120), hashOf("p4"), Lease.State.HELD));
        assertEquals(JobEvent.SUCCEEDED, answer(invert("p4", "a cat")).status());
        assertEquals(1, runs.get());
        assertEquals(JobStatus.State.SUCCEEDED, status("p4").state());

        // a job whose every start died (max-starts 3): poison, once, without running
        seedLease("p5", new Lease("worker-dead", 3, "a3", 2, clock.instant().minusSeconds(60),
                clock.instant().minusSeconds(120), hashOf("p5"), Lease.State.HELD));
        Outcome poison = invert("p5", "a cat");
        assertInstanceOf(Outcome.Poison.class, poison, poison.toString());
        JobEvent event = ((Outcome.Poison) poison).event();
        assertEquals(JobStatus.State.FAILED, status("p5").state());
        assertEquals(event.error().code(), status("p5").error().code(), "the status says what the event says");
        assertEquals(1, runs.get(), "the poison job did not run");
    }

    @Test
    void anEditBeforeItsInversionWaitsQueuedAndIsPutBack() {
        Outcome outcome = ladder.process(edits, new WireRequests.Edit("e1", "p6", "a dog", Map.of(), List.of(), List.of(), null, null, null),
                job(JobKind.EDIT, "e1"));
        assertInstanceOf(Outcome.Requeue.class, outcome, outcome.toString());
        JobStatus waiting = store.readStatus(store.editPrefix(null, "e1")).orElseThrow();
        assertEquals(JobStatus.State.QUEUED, waiting.state());
        assertEquals("inversion p6", waiting.waitingFor());

        // the same copy, first seen then, once the inversion wait (30 min) has passed: it ends, and says so
        RunningJob seenThen = job(JobKind.EDIT, "e1");
        clock.advance(Duration.ofMinutes(31));
        JobEvent notFound = answer(ladder.process(edits, new WireRequests.Edit("e1", "p6", "a dog", Map.of(), List.of(), List.of(),
                null, null, null), seenThen));
        assertEquals("INVERSION_NOT_FOUND", notFound.error().code());
        JobStatus ended = store.readStatus(store.editPrefix(null, "e1")).orElseThrow();
        assertEquals(JobStatus.State.FAILED, ended.state());
        assertEquals("INVERSION_NOT_FOUND", ended.error().code());
        assertEquals(0, runs.get());
    }

    @Test
    void aPassingOutageIsRetriedAndALostAnswerIsNoFailure() {
        s3.unavailableFor(3);
        assertEquals(JobEvent.SUCCEEDED, answer(invert("p7", "a cat")).status());
        s3.loseAnswersOfWrites(1); // the lease's create lands, its answer does not
        assertEquals(JobEvent.SUCCEEDED, answer(invert("p8", "a cat")).status());
        assertEquals(2, runs.get());
        assertEquals(JobStatus.State.SUCCEEDED, status("p8").state());
    }

    @Test
    void anEngineFaultAndAnUnexpectedExceptionEachLeaveTheEventsCodeInTheStatus() {
        rig.engineFault = new IllegalStateException("a bug in the engine");
        JobEvent engineFailed = answer(invert("p9", "a cat"));
        assertEquals("ENGINE_ERROR", engineFailed.error().code());
        JobStatus status = status("p9");
        assertEquals(JobStatus.State.FAILED, status.state());
        assertEquals("ENGINE_ERROR", status.error().code());
        assertFalse(status.error().message().contains("a bug in the engine"), "no exception text leaks: " + status);
        // the write of that failed status throws once: it is tried again, the status still ends failed
        long statusWrites = s3.calls().stream().filter(c -> c.equals("PUT " + ARTIFACTS + "/inversions/p9/status.json")).count();
        s3.failOnce(java.util.regex.Pattern.compile("PUT " + ARTIFACTS + "/inversions/p9b/status.json"), (int) statusWrites - 1,
                new IllegalStateException("planted at the failed status"));
        assertEquals("ENGINE_ERROR", answer(invert("p9b", "a cat")).error().code());
        assertTrue(s3.plantedFaultThrown());
        assertEquals("ENGINE_ERROR", status("p9b").error().code());

        // outside the engine: a stored manifest nobody can read (a state nobody planned for)
        s3.put(ARTIFACTS, store.inversionPrefix(null, "p10") + "manifest.json", "{not json".getBytes());
        JobEvent unexpected = answer(invert("p10", "a cat"));
        assertEquals("WORKER_ERROR", unexpected.error().code());
        assertEquals(JobStatus.State.FAILED, status("p10").state());
        assertEquals("WORKER_ERROR", status("p10").error().code(), "not left running: the status says what the event says");
    }

    /**
     * Every S3 call a job makes, in turn, throws what no one planned for (not an outage: a bug, a state nobody
     * expected): whatever the job answers, its status says the same — never left queued or running. For an
     * inversion, and for an edit of a finished inversion (its own calls and those reading the inversion).
     */
    @Test
    void anUnexpectedExceptionAtAnyStepLeavesTheStatusSayingWhatTheEventSays() {
        int inversionSteps = plantedAtEachStep("inversion", id -> invert(id, "a cat"), id -> store.inversionPrefix(null, id));
        assertEquals(JobEvent.SUCCEEDED, answer(invert("source", "a cat")).status());
        int editSteps = plantedAtEachStep("edit", id -> ladder.process(edits, new WireRequests.Edit(id, "source", "a dog",
                Map.of(), List.of(), List.of(), null, null, null), job(JobKind.EDIT, id)), id -> store.editPrefix(null, id));
        assertTrue(inversionSteps >= 15 && editSteps >= 10, inversionSteps + " and " + editSteps + " steps");
    }

    /** Runs a reference job, then one job per S3 call it made with a fault planted at that call; the steps' count. */
    private int plantedAtEachStep(String kind, java.util.function.Function<String, Outcome> run,
            java.util.function.Function<String, String> prefix) {
        int before = s3.calls().size();
        assertEquals(JobEvent.SUCCEEDED, answer(run.apply("ref")).status());
        // each call as a step (the n-th time the job makes it): the job's id and its attempt's (random) stand for any
        List<String> steps = new ArrayList<>();
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (String call : s3.calls().subList(before, s3.calls().size())) {
            String step = call.replace("/ref/", "/{id}/").replaceAll("/a\\d+-[0-9a-f]+/", "/{attempt}/");
            steps.add(step + " #" + seen.merge(step, 1, Integer::sum));
        }
        assertTrue(steps.stream().anyMatch(c -> c.startsWith("PUT") && c.contains("{id}/manifest.json")),
                "the steps include the manifest: " + steps);
        StringBuilder table = new StringBuilder();
        int failed = 0;
        for (int i = 0; i < steps.size(); i++) {
            String id = kind.charAt(0) + "u" + i;
            String[] step = steps.get(i).replace("{id}", id).split(" #");
            s3.failOnce(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(step[0]).replace("{attempt}", "\\E[^/]+\\Q")),
                    Integer.parseInt(step[1]) - 1, new IllegalStateException("planted at " + steps.get(i)));
            JobEvent event = answer(run.apply(id));
            assertTrue(s3.plantedFaultThrown(), "the job made the call " + steps.get(i));
            JobStatus status = store.readStatus(prefix.apply(id)).orElseThrow(() -> new AssertionError("no status of " + id));
            table.append(String.format("%-62s -> %s %s%n", steps.get(i), event.status(),
                    event.error() == null ? "" : event.error().code()));
            assertEquals(event.status(), status.state().wireName(), steps.get(i) + ": " + status);
            if (JobEvent.FAILED.equals(event.status())) {
                failed++;
                assertEquals(event.error().code(), status.error().code(), steps.get(i) + ": " + status);
                assertEquals("WORKER_ERROR", event.error().code(), steps.get(i));
            } else {
                assertTrue(s3.object(ARTIFACTS, prefix.apply(id) + "manifest.json").isPresent(), steps.get(i));
            }
        }
        System.out.print("a planted fault at each S3 call of an " + kind + ":\n" + table);
        assertTrue(failed > steps.size() / 2, "most steps are not best-effort: " + table);
        return steps.size();
    }

    @Test
    void aJobAbandonedAtShutdownIsQueuedAgainAndItsRedeliveryRunsIt() {
        rig.shutdownDuringRun = true;
        assertThrows(JobCancelled.class, () -> invert("p15", "a cat"), "left for redelivery: no event");
        JobStatus left = status("p15");
        assertEquals(JobStatus.State.QUEUED, left.state(), "it goes back on the topic, and its status says so: " + left);
        Lease released = leases.read(store.inversionPrefix(null, "p15") + ArtifactStore.LEASE).orElseThrow();
        assertEquals(Lease.State.RELEASED, released.state(), "the lease is handed back, not left to lapse");

        JobEvent redelivered = answer(invert("p15", "a cat"));
        assertEquals(JobEvent.SUCCEEDED, redelivered.status());
        assertFalse(redelivered.isReplay());
        assertEquals(2, runs.get(), "run again after the abandoned run, at once (no lease to wait out)");
        assertEquals(JobStatus.State.SUCCEEDED, status("p15").state());
    }

    @Test
    void anEditPutBackAsOftenAsAllowedEndsInversionNotFound() {
        RunningJob copy = new RunningJob(JobKind.EDIT, "e2", clock.instant(), config.edit().maxRequeues(),
                config.jobs().deadline(), clock);
        JobEvent ended = answer(ladder.process(edits, new WireRequests.Edit("e2", "p16", "a dog", Map.of(), List.of(), List.of(),
                null, null, null), copy));
        assertEquals("INVERSION_NOT_FOUND", ended.error().code());
        assertTrue(ended.error().message().contains("put back " + config.edit().maxRequeues() + " times"), ended.toString());
        JobStatus status = store.readStatus(store.editPrefix(null, "e2")).orElseThrow();
        assertEquals(JobStatus.State.FAILED, status.state());
        assertEquals("INVERSION_NOT_FOUND", status.error().code());

        RunningJob earlier = new RunningJob(JobKind.EDIT, "e3", clock.instant(), config.edit().maxRequeues() - 1,
                config.jobs().deadline(), clock);
        assertInstanceOf(Outcome.Requeue.class, ladder.process(edits, new WireRequests.Edit("e3", "p16", "a dog", Map.of(),
                List.of(), List.of(), null, null, null), earlier), "one pass fewer is put back again");
    }

    @Test
    void aRefusedRequestFailsInEventAndStatusAndItsReSendIsAReplayOfTheRefusal() {
        JobEvent refused = answer(invert("p17", " "));
        assertEquals("EMPTY_CAPTION", refused.error().code());
        assertFalse(refused.isReplay());
        assertEquals(JobStatus.State.FAILED, status("p17").state());
        assertEquals("EMPTY_CAPTION", status("p17").error().code());
        JobEvent again = answer(invert("p17", " "));
        assertEquals("EMPTY_CAPTION", again.error().code());
        assertTrue(again.isReplay(), "the same refusal, answered as before");
        // the id stands for that refusal: a valid request under it is a conflict, and nothing is run or overwritten
        assertEquals("ID_CONFLICT", answer(invert("p17", "a cat")).error().code());
        assertEquals("EMPTY_CAPTION", status("p17").error().code());
        assertEquals(0, runs.get());
    }

    @Test
    void anEditOfAFailedInversionFailsInversionFailed() {
        rig.engineFault = new IllegalStateException("a bug in the engine");
        assertEquals("ENGINE_ERROR", answer(invert("p18", "a cat")).error().code());
        rig.engineFault = null;
        JobEvent edit = answer(ladder.process(edits, new WireRequests.Edit("e4", "p18", "a dog", Map.of(), List.of(), List.of(),
                null, null, null), job(JobKind.EDIT, "e4")));
        assertEquals("INVERSION_FAILED", edit.error().code());
        JobStatus status = store.readStatus(store.editPrefix(null, "e4")).orElseThrow();
        assertEquals(JobStatus.State.FAILED, status.state());
        assertEquals("INVERSION_FAILED", status.error().code());
        assertEquals(1, runs.get(), "the edit ran nothing");
    }

    @Test
    void aLiveLeaseOfTheSameRequestIsWaitedForAndOfAnotherIsAConflict() throws Exception {
        // another worker holds p11 for this very request, live for another minute
        seedLease("p11", new Lease("worker-b", 1, "a1", 0, clock.instant().plusSeconds(60), clock.instant(),
                hashOf("p11"), Lease.State.HELD));
        Thread lapse = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            clock.advance(Duration.ofMinutes(2)); // worker-b never renews: its lease lapses
        });
        lapse.start();
        JobEvent taken = answer(invert("p11", "a cat"));
        lapse.join();
        assertEquals(JobEvent.SUCCEEDED, taken.status());
        assertEquals(1, runs.get(), "run once, by this worker, after the lease lapsed");
        assertTrue(s3.calls().stream().filter(c -> c.equals("GET " + ARTIFACTS + "/inversions/p11/lease.json")).count() > 2,
                "it looked at the lease while waiting");

        seedLease("p12", new Lease("worker-b", 1, "a1", 0, clock.instant().plusSeconds(60), clock.instant(),
                "sha256:another-request", Lease.State.HELD));
        assertEquals("ID_CONFLICT", answer(invert("p12", "a cat")).error().code());
        assertEquals(1, runs.get());
    }

    @Test
    void theDeadlineEndsAJobAndAnOutageThatOutlastsItIsStorageUnavailable() throws Exception {
        RunningJob late = new RunningJob(JobKind.INVERSION, "p13", clock.instant(), 0, Duration.ofMillis(1), clock);
        Thread.sleep(5);
        JobEvent timedOut = answer(invert("p13", "a cat", late));
        assertEquals("JOB_TIMEOUT", timedOut.error().code());
        assertEquals(JobStatus.State.FAILED, status("p13").state());
        assertEquals("JOB_TIMEOUT", status("p13").error().code());

        s3.unavailableFor(Integer.MAX_VALUE);
        RunningJob soon = new RunningJob(JobKind.INVERSION, "p14", clock.instant(), 0, Duration.ofMillis(200), clock);
        JobEvent unavailable = answer(invert("p14", "a cat", soon));
        assertEquals("STORAGE_UNAVAILABLE", unavailable.error().code());
        s3.unavailableFor(0);
        // the status could not be written while S3 was down: nothing claims the job ran or failed
        assertTrue(store.readStatus(store.inversionPrefix(null, "p14")).isEmpty());
        assertEquals(0, runs.get());
    }

    // ----

    private Outcome invert(String id, String caption) {
        return invert(id, caption, job(JobKind.INVERSION, id));
    }

    private Outcome invert(String id, String caption, RunningJob job) {
        WireRequests.Inversion wire = new WireRequests.Inversion(id, UPLOADS, "uploads/photo.png", caption, null, 2.0,
                null, 1.0, null, null, null);
        job.attachToThread();
        try {
            return ladder.process(inversions, wire, job);
        } finally {
            job.detachFromThread();
        }
    }

    private RunningJob job(JobKind kind, String id) {
        return new RunningJob(kind, id, clock.instant(), 0, config.jobs().deadline(), clock);
    }

    private static JobEvent answer(Outcome outcome) {
        assertInstanceOf(Outcome.Answer.class, outcome, outcome.toString());
        return ((Outcome.Answer) outcome).event();
    }

    private JobStatus status(String id) {
        return store.readStatus(store.inversionPrefix(null, id)).orElseThrow(() -> new AssertionError("no status of " + id));
    }

    private void seedLease(String id, Lease lease) {
        s3.put(ARTIFACTS, store.inversionPrefix(null, id) + ArtifactStore.LEASE, Leases.bytes(lease));
    }

    /** The request hash the worker gives {@code id}'s request (a seeded lease must name the same request). */
    private String hashOf(String id) {
        try {
            return inversions.hash(inversions.validate(new WireRequests.Inversion(id, UPLOADS, "uploads/photo.png",
                    "a cat", null, 2.0, null, 1.0, null, null, null)));
        } catch (JobFailure e) {
            throw new AssertionError(e);
        }
    }
}
