package io.recaption.web;

import io.recaption.worker.RecaptionConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes requests to the worker's request topics ({@code recaption.topics.*}), keyed by the job's id so they
 * spread over the partitions, and waits for the broker's acknowledgement ({@code acks=all}). A plain Kafka producer
 * built from Quarkus's {@code kafka.*} configuration (bootstrap servers, TLS, SASL: the same keys as the worker),
 * created at the first request, rather than a SmallRye channel: the worker's profile then has no producer of
 * requests at all. Its delivery timeout is {@code recaption.web.publish-timeout}, so a request the API refused
 * is not delivered later behind its back.
 */
@ApplicationScoped
public class RequestPublisher {

    private final Map<String, Object> kafka;
    private final RecaptionConfig config;
    private final Duration timeout;
    private KafkaProducer<String, byte[]> producer;

    public RequestPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, RecaptionConfig config,
            WebConfig web) {
        this.kafka = kafka;
        this.config = config;
        this.timeout = web.publishTimeout();
    }

    public void inversion(String inversionId, String message) {
        publish(config.topics().inversionRequests(), inversionId, message);
    }

    public void edit(String editId, String message) {
        publish(config.topics().editRequests(), editId, message);
    }

    private void publish(String topic, String key, String message) {
        try {
            producer().send(new ProducerRecord<>(topic, key, message.getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new ApiException(503, WebCode.KAFKA_UNAVAILABLE,
                    "the request could not be published to " + topic + " (" + cause.getClass().getSimpleName()
                            + "); nothing was accepted, try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, WebCode.KAFKA_UNAVAILABLE, "interrupted while publishing");
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> settings = new HashMap<>(kafka);
            // consumer settings of the shared kafka.* block mean nothing to a producer
            settings.keySet().removeIf(k -> k.startsWith("group.") || k.startsWith("auto.offset"));
            int millis = (int) Math.max(2000, timeout.toMillis());
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis - 1000);
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, "recaption-web");
            producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
