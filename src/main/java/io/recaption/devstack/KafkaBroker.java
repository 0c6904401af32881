package io.recaption.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), run as a child JVM
 * ({@code kafka.Kafka}) from the jars Maven copied to {@code target/local-stack/kafka}, listening on loopback
 * only. Sized for a laptop: small heap, few internal partitions, no initial rebalance delay.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** SCRAM's mechanism on the SASL listener: SHA-512, as MSK and Confluent offer it. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /** One SCRAM user the broker knows from its first start (written into its storage by {@code format}). */
    public record ScramUser(String name, String password) {

        /** The client settings (Kafka's keys) that log in as this user on {@link #saslBootstrapServers()}. */
        public Map<String, String> clientConfig() {
            return Map.of(
                    "security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", SCRAM_MECHANISM,
                    "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + name + "\" password=\"" + password + "\";");
        }
    }

    private ChildJvm process;
    private final int port;
    private final int saslPort;
    private final List<String> jvm;
    private final Path dir;

    private KafkaBroker(ChildJvm process, int port, int saslPort, List<String> jvm, Path dir) {
        this.process = process;
        this.port = port;
        this.saslPort = saslPort;
        this.jvm = jvm;
        this.dir = dir;
    }

    /** Starts a broker with empty data in {@code dir} (anything there before is deleted). */
    public static KafkaBroker start(Path jarsDir, Path dir) {
        return start(jarsDir, dir, List.of());
    }

    /**
     * Starts a broker with empty data in {@code dir}; with SCRAM {@code users}, a second listener on
     * {@link #saslBootstrapServers()} takes SASL/SCRAM-SHA-512 logins of those users only, and the broker authorizes
     * by ACLs (KRaft's {@code StandardAuthorizer}, nothing allowed without one: {@code User:<name>} may do only what
     * an ACL grants it). The plaintext listener stays, for the broker itself and the tests' own clients: its
     * principal, {@code User:ANONYMOUS}, is the super user that creates topics and ACLs.
     */
    public static KafkaBroker start(Path jarsDir, Path dir, List<ScramUser> users) {
        boolean scram = !users.isEmpty();
        if (!Files.isDirectory(jarsDir)) {
            throw new IllegalStateException("no Kafka jars in " + jarsDir + " (they are copied there by `mvn package`)");
        }
        int port = ChildJvm.freePort();
        int controllerPort = ChildJvm.freePort();
        int saslPort = scram ? ChildJvm.freePort() : -1;
        String sasl = scram ? ",SASL_PLAINTEXT://127.0.0.1:" + saslPort : "";
        Path data = dir.resolve("data");
        Path properties = dir.resolve("server.properties");
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + sasl + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + sasl,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                scram ? "sasl.enabled.mechanisms=" + SCRAM_MECHANISM : "",
                scram ? "listener.name.sasl_plaintext." + SCRAM_MECHANISM.toLowerCase(Locale.ROOT)
                        + ".sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;" : "",
                "inter.broker.listener.name=PLAINTEXT",
                scram ? "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer" : "",
                scram ? "super.users=User:ANONYMOUS" : "",
                scram ? "allow.everyone.if.no.acl.found=false" : "",
                "log.dirs=" + data.toAbsolutePath(),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "");
        ChildJvm.deleteTree(dir);
        try {
            Files.createDirectories(dir);
            Files.writeString(properties, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classpath = jarsDir.toAbsolutePath() + "/*";
        List<String> jvm = List.of("-cp", classpath, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true");
        String clusterId = base64Uuid();
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                properties.toString()));
        for (ScramUser user : users) {
            format.addAll(List.of("--add-scram", SCRAM_MECHANISM + "=[name=" + user.name() + ",password=" + user.password() + "]"));
        }
        ChildJvm.run("kafka-format", jvm, format, dir.resolve("kafka.log"), dir, START_TIMEOUT);
        ChildJvm process = ChildJvm.start("kafka", jvm, List.of("kafka.Kafka", properties.toString()), dir.resolve("kafka.log"), dir);
        KafkaBroker broker = new KafkaBroker(process, port, saslPort, jvm, dir);
        try {
            process.awaitPort(port, START_TIMEOUT);
            broker.awaitController();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SCRAM listener of a broker started with a {@link ScramUser}. */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker was started without SCRAM");
        }
        return "127.0.0.1:" + saslPort;
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000));
    }

    /** Creates topics (existing ones are left as they are). */
    public void createTopics(List<String> topics, int partitions) {
        try (Admin admin = admin()) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic, e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        }
    }

    public Path log() {
        return process.log();
    }

    /**
     * Stops the broker (SIGTERM, a controlled shutdown) and starts it again on the same port with the same data:
     * topics, records and committed offsets survive, clients see the broker go away and come back.
     */
    public synchronized void restart(Duration down) {
        process.close();
        ChildJvm.sleep(down);
        process = ChildJvm.start("kafka", jvm, List.of("kafka.Kafka", dir.resolve("server.properties").toString()),
                dir.resolve("kafka.log"), dir);
        process.awaitPort(port, START_TIMEOUT);
        awaitController();
    }

    @Override
    public void close() {
        process.close();
    }

    /** The broker answers metadata requests once its controller is elected. */
    private void awaitController() {
        try (Admin admin = admin()) {
            admin.describeCluster().controller().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the Kafka broker did not answer:\n" + process.logTail(), e);
        }
    }

    /**
     * A cluster id as Kafka's {@code Uuid.randomUuid()} makes them: URL-safe base64 of 16 random bytes, drawn again
     * when it starts with '-' (1 in 64), which {@code kafka-storage format -t} would read as an option ("expected one
     * argument") — a broker that failed to start once in a while.
     */
    static String base64Uuid() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }
}
