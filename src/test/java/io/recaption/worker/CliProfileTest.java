package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.recaption.devstack.ChildJvm;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every command but {@code serve} runs under the {@code cli} profile: no Kafka channel is created, nothing
 * connects to the configured broker, and no HTTP port is bound.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(CliProfileTest.CliProfile.class)
class CliProfileTest {

    /** The {@code cli} profile, with a broker address nobody serves and a known HTTP port. */
    public static class CliProfile implements QuarkusTestProfile {
        private final int kafkaPort = ChildJvm.freePort();
        private final int httpPort = ChildJvm.freePort();

        @Override
        public String getConfigProfile() {
            return "cli";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.bootstrap.servers", "127.0.0.1:" + kafkaPort,
                    "quarkus.http.port", String.valueOf(httpPort),
                    "quarkus.http.test-port", String.valueOf(httpPort));
        }
    }

    @Inject
    KafkaClientService kafkaClients;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    @Test
    void noChannelNoBrokerConnectionNoPort() throws Exception {
        assertTrue(kafkaClients.getConsumerChannels().isEmpty(), "no consumers: " + kafkaClients.getConsumerChannels());
        assertTrue(kafkaClients.getProducerChannels().isEmpty(), "no producers: " + kafkaClients.getProducerChannels());
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), 1000);
            }
        }, "nothing listens on the HTTP port");

        // A Kafka client retries its bootstrap address at least every second (reconnect.backoff.max.ms):
        // listening there for 3 s catches any client the application may have started.
        int kafkaPort = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        try (ServerSocket trap = new ServerSocket(kafkaPort, 50, InetAddress.getLoopbackAddress())) {
            trap.setSoTimeout(3000);
            assertThrows(SocketTimeoutException.class, trap::accept, "no connection to the configured broker");

            // control: the trap does catch a Kafka client
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
            try {
                admin.describeCluster();
                try (Socket caught = trap.accept()) {
                    assertEquals(InetAddress.getLoopbackAddress(), caught.getInetAddress());
                }
            } catch (IOException e) {
                throw new AssertionError("the control Kafka client was not caught", e);
            } finally {
                admin.close(Duration.ZERO);
            }
        }
    }
}
