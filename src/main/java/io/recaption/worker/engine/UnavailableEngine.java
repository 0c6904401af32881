package io.recaption.worker.engine;

import io.quarkus.arc.DefaultBean;
import io.recaption.pipeline.EditManifest;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.ModelIdentity;
import io.recaption.protocol.EditOptions;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionOptions;
import io.recaption.protocol.JobFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Stands in while no engine bean is deployed: never ready, its load failed for good, so readiness, startup and
 * liveness report it and no record is consumed. Any other {@code JobEngine} bean replaces it.
 */
@DefaultBean
@ApplicationScoped
public class UnavailableEngine implements JobEngine {

    @Override
    public boolean ready() {
        return false;
    }

    @Override
    public Optional<String> loadFailure() {
        return Optional.of("no model engine is deployed in this worker");
    }

    @Override
    public ModelIdentity model() {
        throw new IllegalStateException("no model engine is deployed in this worker");
    }

    @Override
    public InversionManifest invert(Path imageFile, InversionCaption caption, InversionOptions options, Path outDir,
            JobProgress progress) throws JobFailure {
        throw unavailable();
    }

    @Override
    public EditManifest edit(Path inversionDir, EditOptions options, Path outDir, JobProgress progress)
            throws JobFailure {
        throw unavailable();
    }

    private static JobFailure unavailable() {
        return new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "no model engine is deployed in this worker");
    }
}
