package io.recaption.worker.kafka;

import io.recaption.protocol.RequestReader;
import io.recaption.worker.ladder.EngineTurns;
import io.recaption.worker.ladder.InversionSteps;
import io.recaption.worker.ladder.JobLadder;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code inversion-requests} → {@code inversion-events}: fetch the image, invert it, store
 * {@code inversions/{requestId}/} (attempt files, then the manifest) and answer ({@link JobLadder}).
 */
@ApplicationScoped
public class InversionWorker {

    /**
     * The inversions' worker pool: one thread (see {@code smallrye.messaging.worker.recaption-inversions.max-concurrency}),
     * apart from the edits' so that neither kind's queue holds up the other ({@link EngineTurns}).
     */
    static final String POOL = "recaption-inversions";

    private final JobRunner runner;
    private final InversionSteps steps;

    InversionWorker(JobRunner runner, InversionSteps steps) {
        this.runner = runner;
        this.steps = steps;
    }

    @Incoming("inversion-requests")
    @Blocking(POOL)
    public CompletionStage<Void> onRequest(Message<byte[]> message) {
        return runner.handle(message, steps, RequestReader::inversion);
    }
}
