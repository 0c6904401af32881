package io.recaption.worker;

import io.recaption.devstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one local stack (Kafka broker + s3proxy, child processes) the tests of a class loader share: started by
 * the first test that needs it, stopped when the JVM exits or when the Quarkus application it served stops
 * ({@link LocalStackResource#stop}). A holder rather than a per-class resource because starting a broker costs
 * seconds and tests outside Quarkus use it as well.
 *
 * <p>One per class loader, not per JVM: Quarkus loads a test class anew for each application it starts (each
 * test profile), and this holder with it. So each stack has a folder of its own under {@code target/local-stack-run}:
 * a broker starts by deleting its folder, and a second stack in the first one's folder deleted the data of a broker
 * still running (which stopped it) or failed while that broker wrote into the folder being deleted.
 */
public final class SharedStack {

    public static final String ARTIFACTS_BUCKET = "recaption-artifacts";
    public static final String UPLOADS_BUCKET = "recaption-uploads";
    /** Exists, but is not an allowed input bucket. */
    public static final String FORBIDDEN_BUCKET = "recaption-private";

    public static final String INVERSION_REQUESTS = "inversion-requests";
    public static final String INVERSION_EVENTS = "inversion-events";
    public static final String EDIT_REQUESTS = "edit-requests";
    public static final String EDIT_EVENTS = "edit-events";
    public static final String INVERSION_DLQ = "inversion-requests-dlq";
    public static final String EDIT_DLQ = "edit-requests-dlq";

    private static LocalStack stack;
    private static Path workDir;
    private static Thread stopAtExit;

    private SharedStack() {}

    public static synchronized LocalStack get() {
        if (stack == null) {
            long start = System.nanoTime();
            Path dir = freshDir();
            LocalStack started = LocalStack.start(
                    LocalStack.defaultJarsDir(),
                    dir,
                    List.of(INVERSION_REQUESTS, INVERSION_EVENTS, EDIT_REQUESTS, EDIT_EVENTS, INVERSION_DLQ, EDIT_DLQ),
                    1,
                    List.of(ARTIFACTS_BUCKET, UPLOADS_BUCKET, FORBIDDEN_BUCKET));
            System.out.printf("local stack (Kafka %s, S3 %s, in %s) started in %.1f s%n",
                    started.kafka().bootstrapServers(), started.s3().endpoint(), dir, (System.nanoTime() - start) / 1e9);
            stopAtExit = new Thread(started::close, "stop-local-stack");
            Runtime.getRuntime().addShutdownHook(stopAtExit);
            stack = started;
            workDir = dir;
        }
        return stack;
    }

    /** The started stack's folder: its S3 server keeps each object at {@code s3/data/<bucket>/<key>}. */
    public static synchronized Path workDir() {
        get();
        return workDir;
    }

    /** Stops this class loader's stack, if it started one; a later {@link #get} starts a new one. */
    public static synchronized void stop() {
        if (stack == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook runs anyway
        }
        try {
            stack.close();
        } finally {
            stack = null;
            workDir = null;
            stopAtExit = null;
        }
    }

    private static Path freshDir() {
        try {
            Path runs = Files.createDirectories(Path.of("target", "local-stack-run").toAbsolutePath());
            return Files.createTempDirectory(runs, "stack-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
