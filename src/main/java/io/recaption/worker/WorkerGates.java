package io.recaption.worker;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.engine.WorkerCaptioner;
import io.recaption.worker.ladder.JobFiles;
import io.recaption.worker.ladder.JobLifecycle;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.StorageHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What must hold before the worker takes a record: the model — and the captioning model, where one is
 * configured — is loaded (a worker scaled up from zero polls
 * before its model is; the record waits, uncommitted, instead of failing) and S3 answers (during an outage no
 * record is taken, so the queue waits instead of failing). A model that cannot be loaded is reported by the
 * startup and liveness checks and, with {@code recaption.model.exit-on-load-failure}, ends the process so
 * that Kubernetes restarts it; either way nothing is consumed. A captioner that cannot be loaded is such a
 * failure too: the worker was configured to caption, and would otherwise fail every caption-less request.
 */
@ApplicationScoped
public class WorkerGates {

    /** Exit code of a worker whose model cannot be loaded. */
    public static final int MODEL_LOAD_FAILED = 3;

    private static final Logger LOG = Logger.getLogger(WorkerGates.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration S3_PROBE = Duration.ofSeconds(3);

    private final JobEngine engine;
    private final WorkerCaptioner captioner;
    private final ArtifactStore store;
    private final StorageHealth storage;
    private final JobLifecycle lifecycle;
    private final RecaptionConfig config;
    private volatile String loadFailure;

    public WorkerGates(JobEngine engine, WorkerCaptioner captioner, ArtifactStore store, StorageHealth storage,
            JobLifecycle lifecycle, RecaptionConfig config) {
        this.engine = engine;
        this.captioner = captioner;
        this.store = store;
        this.storage = storage;
        this.lifecycle = lifecycle;
        this.config = config;
    }

    /** Starts loading the model as the worker starts, and watches the load to its end. */
    void onStart(@Observes StartupEvent event) {
        if (!config.model().preload()) {
            return;
        }
        // a worker killed mid-job leaves its job folder (inputs, latents: up to gigabytes) behind; no job of this
        // process has started yet, and one of another process sharing the folder is younger than two deadlines
        Path work = JobFiles.base(config);
        int swept = JobFiles.sweep(work, Instant.now().minus(config.jobs().deadline().multipliedBy(2)));
        if (swept > 0) {
            LOG.infof("removed %d job folders a stopped worker left in %s", swept, work);
        }
        engine.ready();
        captioner.ready();
        Thread watcher = new Thread(this::watchLoad, "recaption-model-load");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watchLoad() {
        while (!loaded()) {
            Optional<String> failure = engine.loadFailure().or(captioner::loadFailure);
            if (failure.isPresent()) {
                loadFailure = failure.get();
                LOG.errorf("the model cannot be loaded (%s): startup and liveness report it; nothing is consumed",
                        failure.get());
                if (config.model().exitOnLoadFailure()) {
                    LOG.error("exiting so that the container is restarted (recaption.model.exit-on-load-failure)");
                    Quarkus.asyncExit(MODEL_LOAD_FAILED);
                }
                return;
            }
            sleep();
        }
    }

    /** Whether the model and the captioner (where one is configured) are loaded; the first call starts loading them. */
    public boolean loaded() {
        boolean model = engine.ready();
        return captioner.ready() && model;
    }

    /** Why the model or the captioner could not be loaded, if one could not. */
    public Optional<String> loadFailure() {
        return Optional.ofNullable(loadFailure).or(engine::loadFailure).or(captioner::loadFailure);
    }

    /**
     * Blocks until the model is loaded and S3 answers; false when the worker stops accepting first (the record
     * is then left for redelivery).
     */
    public boolean awaitOpen() {
        while (!loaded()) {
            if (!lifecycle.accepting()) {
                return false;
            }
            sleep();
        }
        if (!storage.up()) {
            LOG.info("S3 is down: waiting for it before taking the next record");
        }
        return storage.awaitUp(() -> store.reachable(S3_PROBE), lifecycle::accepting);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
