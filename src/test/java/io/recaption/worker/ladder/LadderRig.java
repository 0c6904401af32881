package io.recaption.worker.ladder;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.protocol.InversionOptions;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.RequestValidator;
import io.recaption.worker.JobMetrics;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import io.recaption.worker.TestConfigs;
import io.recaption.worker.TestImages;
import io.recaption.worker.WorkerIdentity;
import io.recaption.worker.WorkerRules;
import io.recaption.worker.engine.JobProgress;
import io.recaption.worker.engine.WorkerCaptioner;
import io.recaption.worker.lease.LeaseKeeper;
import io.recaption.worker.lease.Leases;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.InMemoryS3;
import io.recaption.worker.store.StorageHealth;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker below Kafka, wired by hand for unit tests: the real ladder, attempt runner, leases, status tracker and
 * store over an S3 in memory ({@link InMemoryS3}) and a clock of the test's own, with the test engine (which counts
 * its runs and fails or is abandoned on request). Photo {@code uploads/photo.png} is in bucket {@code uploads}.
 */
public final class LadderRig {

    public static final String ARTIFACTS = "artifacts";
    public static final String UPLOADS = "uploads";

    public final TestClock clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
    public final InMemoryS3 s3 = new InMemoryS3(clock, ARTIFACTS, UPLOADS);
    public final RecaptionConfig config;
    public final JobLifecycle lifecycle;
    public final JobMetrics metrics;
    public final StorageHealth health;
    public final ArtifactStore store;
    public final Leases leases;
    public final JobLadder ladder;
    public final TestJobEngine engine;
    public final WorkerCaptioner captioner;
    public final InversionSteps inversions;
    public final EditSteps edits;
    /** Times the engine was asked to invert. */
    public final AtomicInteger runs = new AtomicInteger();
    /** When set, the engine's inversion throws it. */
    public volatile RuntimeException engineFault;
    /** When set, the next inversion is abandoned by shutdown midway (then the flag clears). */
    public volatile boolean shutdownDuringRun;

    /** The rig with the worker's configuration plus {@code overrides}; job folders under {@code work}. */
    public LadderRig(Path work, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("recaption.input.buckets", UPLOADS,
                "recaption.jobs.work-dir", work.toString(), "recaption.storage.retry.initial-backoff", "PT0.001S",
                "recaption.storage.retry.max-backoff", "PT0.002S", "recaption.worker-id", "worker-a",
                "recaption.edit.requeue-delay", "PT0.2S"));
        settings.putAll(overrides);
        config = TestConfigs.config(settings);
        lifecycle = new JobLifecycle(config, clock);
        metrics = new JobMetrics(new SimpleMeterRegistry(), lifecycle);
        health = new StorageHealth(config, metrics, clock);
        store = new ArtifactStore(s3, config, new ObjectMapper(), health);
        WorkerIdentity worker = new WorkerIdentity(config);
        leases = new Leases(store, config, worker, clock);
        JobEnds ends = new JobEnds(store, config, clock);
        AttemptRunner attempts = new AttemptRunner(store, new LeaseKeeper(leases, config), worker, config, metrics,
                new Milestones(), new EngineTurns(metrics, clock), ends);
        ladder = new JobLadder(store, leases, attempts, ends, config, clock);
        engine = new TestJobEngine(Duration.ZERO, Duration.ZERO, Optional.empty(), "test-engine", false) {
            @Override
            public InversionManifest invert(Path image, InversionCaption caption, InversionOptions options, Path out,
                    JobProgress progress) throws JobFailure {
                runs.incrementAndGet();
                if (engineFault != null) {
                    throw engineFault;
                }
                if (shutdownDuringRun) {
                    // shutdown gave up waiting for this job: its next checkpoint abandons it
                    shutdownDuringRun = false;
                    RunningJob.onThisThread().cancel();
                    RunningJob.onThisThread().checkpoint();
                }
                return super.invert(image, caption, options, out, progress);
            }
        };
        RequestValidator validator = new RequestValidator(WorkerRules.rules(config));
        captioner = new WorkerCaptioner(config);
        inversions = new InversionSteps(store, validator, engine, captioner, config);
        edits = new EditSteps(store, validator, engine, config, clock);
        s3.put(UPLOADS, "uploads/photo.png", TestImages.photo());
    }

    /**
     * A clock that starts at a chosen instant and runs at the machine's pace (the ladder's polls end), moved
     * ahead at will by {@link #advance}.
     */
    public static final class TestClock extends Clock {
        private final Instant start;
        private final long startNanos = System.nanoTime();
        private volatile Duration offset = Duration.ZERO;

        public TestClock(Instant start) {
            this.start = start;
        }

        public void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return start.plus(offset).plusNanos(System.nanoTime() - startNanos);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The milestones a job passes, recorded (the CDI event, without a container). */
    public static final class Milestones implements Event<JobMilestone> {
        public final List<JobMilestone> fired = new ArrayList<>();

        @Override
        public void fire(JobMilestone event) {
            fired.add(event);
        }

        @Override
        public <U extends JobMilestone> CompletionStage<U> fireAsync(U event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends JobMilestone> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Event<JobMilestone> select(Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends JobMilestone> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends JobMilestone> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}
