package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recaption.devstack.KafkaBroker;
import io.recaption.devstack.LocalStack;
import io.recaption.devstack.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Kafka as production runs it: the worker on a broker that takes SASL/SCRAM-SHA-512 logins and authorizes by ACLs
 * (the local KRaft broker with a SCRAM listener and {@code StandardAuthorizer}), configured through Quarkus's
 * {@code kafka.*} keys exactly as README says, holding only the grants Terraform gives its role, inverts a request
 * that the editor's principal wrote and answers; the editor's principal can neither forge an answer nor read the
 * requests, the worker's cannot write elsewhere, and a client with a wrong password is refused by the broker.
 */
@Tag("integration")
class KafkaScramTest {

    private static final KafkaBroker.ScramUser WORKER = new KafkaBroker.ScramUser("recaption-worker", "scram-test-secret");
    private static final KafkaBroker.ScramUser WEB = new KafkaBroker.ScramUser("recaption-web", "scram-test-web-secret");
    private static final String GROUP = "scram-test-worker";
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
                List.of(WORKER, WEB));
        broker.createTopics(TOPICS, 1);
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createAcls(grants()).all().get(60, TimeUnit.SECONDS);
        }
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
        config.put("recaption.consumer-group", GROUP);
        Path log = jar.getParent().resolve("logs").resolve("scram-worker.log");
        // the test's own clients use the broker's plaintext listener: only the worker goes through SCRAM
        try (WorkerProcess worker = WorkerProcess.start("scram-worker", jar, config, JVM, log, TIMEOUT);
                TestKafka kafka = new TestKafka(broker.bootstrapServers(), List.of(SharedStack.INVERSION_EVENTS))) {
            String id = Requests.newId("scram");
            try (KafkaProducer<String, String> web = producer(WEB)) {
                web.send(new ProducerRecord<>(SharedStack.INVERSION_REQUESTS, id,
                        Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO, "a cat " + id).toString())).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the editor's principal may write requests", e);
            }
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

    /** What the editor's principal may not do: write an answer in the worker's name, or read the requests. */
    @Test
    void theEditorCannotForgeAnswersNorReadRequests() {
        try (KafkaProducer<String, String> web = producer(WEB)) {
            ExecutionException forged = assertThrows(ExecutionException.class, () -> web.send(new ProducerRecord<>(
                    SharedStack.INVERSION_EVENTS, "forged", "{\"status\":\"succeeded\"}")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, forged.getCause(), forged.toString());
        }
        Map<String, Object> config = new HashMap<>(WEB.clientConfig());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslBootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(SharedStack.INVERSION_REQUESTS));
            KafkaException refused = assertThrows(KafkaException.class, () -> {
                for (int i = 0; i < 30; i++) {
                    consumer.poll(Duration.ofSeconds(1));
                }
            });
            assertTrue(refused instanceof TopicAuthorizationException || refused instanceof GroupAuthorizationException,
                    refused.toString());
        }
    }

    /** The worker's principal writes its own topics only. */
    @Test
    void theWorkerWritesNoOtherTopic() {
        try (KafkaProducer<String, String> worker = producer(WORKER)) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> worker.send(new ProducerRecord<>(
                    "not-a-recaption-topic", "x", "{}")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), refused.toString());
        }
    }

    /**
     * The grants terraform/modules/recaption gives each role ({@code kafka_acl_grants} in kafka.tf, pinned by its
     * terraform test), for this broker's topics and group: the editor writes the requests; the worker reads them in
     * its group and writes them back (requeue), the events and the dead letters; both describe the cluster.
     */
    private static List<AclBinding> grants() {
        List<String> requests = List.of(SharedStack.INVERSION_REQUESTS, SharedStack.EDIT_REQUESTS);
        List<String> writtenByWorker = List.of(SharedStack.INVERSION_REQUESTS, SharedStack.EDIT_REQUESTS,
                SharedStack.INVERSION_EVENTS, SharedStack.EDIT_EVENTS, SharedStack.INVERSION_DLQ, SharedStack.EDIT_DLQ);
        List<AclBinding> grants = new ArrayList<>();
        for (String topic : requests) {
            grants.add(allow(WEB, ResourceType.TOPIC, topic, AclOperation.WRITE));
            grants.add(allow(WEB, ResourceType.TOPIC, topic, AclOperation.DESCRIBE));
            grants.add(allow(WORKER, ResourceType.TOPIC, topic, AclOperation.READ));
        }
        for (String topic : writtenByWorker) {
            grants.add(allow(WORKER, ResourceType.TOPIC, topic, AclOperation.WRITE));
            grants.add(allow(WORKER, ResourceType.TOPIC, topic, AclOperation.DESCRIBE));
        }
        grants.add(allow(WORKER, ResourceType.GROUP, GROUP, AclOperation.READ));
        grants.add(allow(WEB, ResourceType.CLUSTER, "kafka-cluster", AclOperation.DESCRIBE));
        grants.add(allow(WORKER, ResourceType.CLUSTER, "kafka-cluster", AclOperation.DESCRIBE));
        return grants;
    }

    private static AclBinding allow(KafkaBroker.ScramUser user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user.name(), "*", operation, AclPermissionType.ALLOW));
    }

    private static KafkaProducer<String, String> producer(KafkaBroker.ScramUser user) {
        Map<String, Object> config = new HashMap<>(user.clientConfig());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslBootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
