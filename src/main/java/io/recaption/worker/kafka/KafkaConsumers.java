package io.recaption.worker.kafka;

import io.recaption.worker.WorkerIdentity;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Consumer settings that depend on the worker's identity (channels name these beans with
 * {@code kafka-configuration}): static membership, {@code group.instance.id} = the worker's id (the pod's name)
 * plus the channel, when {@code recaption.worker-id} is set. A restarted pod with the same name gets its
 * partitions back without a rebalance of the whole group; a pod that is gone for good gives them up after
 * {@code session.timeout.ms}. Without a configured id (local runs, where several workers share a host name)
 * membership stays dynamic. The assignment strategy (cooperative-sticky) is in application.properties.
 */
@ApplicationScoped
public class KafkaConsumers {

    @Produces
    @Identifier("recaption-inversion-consumer")
    Map<String, Object> inversionConsumer(WorkerIdentity worker) {
        return staticMembership(worker, "inversion-requests");
    }

    @Produces
    @Identifier("recaption-edit-consumer")
    Map<String, Object> editConsumer(WorkerIdentity worker) {
        return staticMembership(worker, "edit-requests");
    }

    private static Map<String, Object> staticMembership(WorkerIdentity worker, String channel) {
        Map<String, Object> config = new HashMap<>();
        if (worker.configured()) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, worker.id() + "-" + channel);
        }
        return config;
    }
}
