package io.recaption.worker.engine;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A model loaded once, off the caller's thread, on first demand (the readiness probe asks first, so loading starts
 * as the worker starts): the diffusion model's and the captioner's, under one rule — ready only once loaded, a
 * failed load kept and reported (startup and liveness say why), never retried in-process (the pod restarts).
 */
public final class BackgroundLoad<T> {

    private final Supplier<T> loader;
    private volatile CompletableFuture<T> loading;

    BackgroundLoad(Supplier<T> loader) {
        this.loader = loader;
    }

    /** The load, started by the first call. */
    synchronized CompletableFuture<T> future() {
        if (loading == null) {
            loading = CompletableFuture.supplyAsync(loader);
        }
        return loading;
    }

    /** Loaded without failure; the first call starts the load. */
    boolean ready() {
        CompletableFuture<T> future = future();
        return future.isDone() && !future.isCompletedExceptionally();
    }

    /** Why the load failed ("Class: message" of its cause), once it has. */
    Optional<String> failure() {
        CompletableFuture<T> future = loading;
        if (future == null || !future.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            future.join();
            return Optional.empty();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Optional.of(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    /** Closes what was loaded, if it was (a load still running or failed holds nothing to close). */
    void close(Consumer<T> closer) {
        CompletableFuture<T> future = loading;
        if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
            closer.accept(future.join());
        }
    }
}
