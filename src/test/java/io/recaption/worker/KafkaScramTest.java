package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.recaption.devstack.KafkaBroker;
import io.recaption.devstack.LocalStack;
import io.recaption.devstack.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Kafka as production runs it: the worker on a broker that takes SASL/SCRAM-SHA-512 logins only (the local KRaft
 * broker with a SCRAM listener), configured through Quarkus's {@code kafka.*} keys exactly as README says, inverts a
 * request and answers; a client with a wrong password is refused by the broker.
 */
@Tag("integration")
class KafkaScramTest {

    private static final KafkaBroker.ScramUser WORKER = new KafkaBroker.ScramUser("recaption-worker", "scram-test-secret");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final String PHOTO = "uploads/scram/photo.png";
    private static final List<String> TOPICS = List.of(SharedStack.INVERSION_REQUESTS, SharedStack.INVERSION_EVENTS,
            SharedStack.EDIT_REQUESTS, SharedStack.EDIT_EVENTS, SharedStack.INVERSION_DLQ, SharedStack.EDIT_DLQ);

    private static KafkaBroker broker;
    private static Path jar;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start(LocalStack.defaultJarsDir().resolve("kafka"), Path.of("target", "kafka-scram").toAbsolutePath(),
                Optional.of(WORKER));
        broker.createTopics(TOPICS, 1);
        SharedStack.get().s3().client().putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO),
                RequestBody.fromBytes(TestImages.photo()));
        jar = WorkerJar.build();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theWorkerLogsInWithScramAndAnswers() {
        Map<String, String> config = new LinkedHashMap<>(SharedStack.get().quarkusConfig());
        config.put("kafka.bootstrap.servers", broker.saslBootstrapServers());
        WORKER.clientConfig().forEach((key, value) -> config.put("kafka." + key, value));
        config.put("recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET);
        config.put("recaption.input.buckets", SharedStack.UPLOADS_BUCKET);
        config.put("recaption.consumer-group", "scram-test-worker");
        Path log = jar.getParent().resolve("logs").resolve("scram-worker.log");
        // the test's own clients use the broker's plaintext listener: only the worker goes through SCRAM
        try (WorkerProcess worker = WorkerProcess.start("scram-worker", jar, config, JVM, log, TIMEOUT);
                TestKafka kafka = new TestKafka(broker.bootstrapServers(), List.of(SharedStack.INVERSION_EVENTS))) {
            String id = Requests.newId("scram");
            kafka.send(SharedStack.INVERSION_REQUESTS, id,
                    Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id));
            JsonNode event = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
            assertEquals("succeeded", event.path("status").asText(), event.toString());
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> config = new HashMap<>(new KafkaBroker.ScramUser(WORKER.name(), "not-the-password").clientConfig());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslBootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = Admin.create(config)) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause(), refused.toString());
        }
    }
}
