package io.recaption.worker;

import io.recaption.devstack.LocalStack;
import java.nio.file.Path;
import java.util.List;

/**
 * The one local stack (Kafka broker + s3proxy, child processes) all worker tests of a test JVM share: started by
 * the first test that needs it, stopped when the JVM exits. A holder rather than a per-class resource because
 * starting a broker costs seconds and the kill test (outside Quarkus) uses it as well.
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

    private SharedStack() {}

    public static synchronized LocalStack get() {
        if (stack == null) {
            long start = System.nanoTime();
            LocalStack started = LocalStack.start(
                    LocalStack.defaultJarsDir(),
                    Path.of("target", "local-stack-run").toAbsolutePath(),
                    List.of(INVERSION_REQUESTS, INVERSION_EVENTS, EDIT_REQUESTS, EDIT_EVENTS, INVERSION_DLQ, EDIT_DLQ),
                    1,
                    List.of(ARTIFACTS_BUCKET, UPLOADS_BUCKET, FORBIDDEN_BUCKET));
            System.out.printf("local stack (Kafka %s, S3 %s) started in %.1f s%n",
                    started.kafka().bootstrapServers(), started.s3().endpoint(), (System.nanoTime() - start) / 1e9);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-local-stack"));
            stack = started;
        }
        return stack;
    }
}
