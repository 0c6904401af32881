package io.recaption.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This worker's id ({@code recaption.worker-id}, the pod's name in Kubernetes), recorded in leases and
 * manifests. Without one, a random id: two processes must never share one, or each would think the
 * other's lease its own.
 */
@ApplicationScoped
public class WorkerIdentity {

    private final String id;
    private final boolean configured;

    public WorkerIdentity(RecaptionConfig config) {
        this.configured = config.workerId().filter(s -> !s.isBlank()).isPresent();
        this.id = configured ? config.workerId().get().strip() : randomId();
    }

    public String id() {
        return id;
    }

    /** Whether the id was configured (then it also names the Kafka consumers: static membership). */
    public boolean configured() {
        return configured;
    }

    private static String randomId() {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        return "worker-" + HexFormat.of().formatHex(random);
    }
}
