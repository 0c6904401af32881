package io.recaption.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.function.DoubleConsumer;

/**
 * Stands in while no engine bean is deployed: never ready (so readiness stays down) and fails every job with
 * {@link ErrorCode#ENGINE_UNAVAILABLE}. Any other {@code JobEngine} bean replaces it.
 */
@DefaultBean
@ApplicationScoped
public class UnavailableEngine implements JobEngine {

    @Override
    public boolean ready() {
        return false;
    }

    @Override
    public ObjectNode invert(Path imageFile, String caption, InversionOptions options, Path outDir, DoubleConsumer progress)
            throws JobFailure {
        throw unavailable();
    }

    @Override
    public ObjectNode edit(Path inversionDir, EditOptions options, Path outDir, DoubleConsumer progress)
            throws JobFailure {
        throw unavailable();
    }

    private static JobFailure unavailable() {
        return new JobFailure(ErrorCode.ENGINE_UNAVAILABLE, "no model engine is deployed in this worker");
    }
}
