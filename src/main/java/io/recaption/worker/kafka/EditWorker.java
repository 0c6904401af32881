package io.recaption.worker.kafka;

import io.recaption.protocol.RequestReader;
import io.recaption.worker.ladder.EditSteps;
import io.recaption.worker.ladder.JobLadder;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code edit-requests} → {@code edit-events}: wait for the inversion, render the edit, store
 * {@code edits/{editId}/} (attempt files, then the manifest) and answer ({@link JobLadder}).
 */
@ApplicationScoped
public class EditWorker {

    /** The edits' worker pool: one thread, apart from the inversions' ({@link InversionWorker#POOL}). */
    static final String POOL = "recaption-edits";

    private final JobRunner runner;
    private final EditSteps steps;

    EditWorker(JobRunner runner, EditSteps steps) {
        this.runner = runner;
        this.steps = steps;
    }

    @Incoming("edit-requests")
    @Blocking(POOL)
    public CompletionStage<Void> onRequest(Message<byte[]> message) {
        return runner.handle(message, steps, RequestReader::edit);
    }
}
