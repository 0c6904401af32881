package io.recaption.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local Kafka broker and S3 server for tests and the demo: both real, both child processes on free loopback
 * ports, run from the jars {@code mvn package} copied under {@code target/local-stack} (nothing is downloaded
 * at run time). {@link #quarkusConfig()} gives the keys a worker needs to use them.
 */
public final class LocalStack implements AutoCloseable {

    /** System property naming the jars folder when it is not {@code target/local-stack}. */
    public static final String JARS_PROPERTY = "recaption.local-stack.jars";

    private final KafkaBroker kafka;
    private final S3Server s3;

    private LocalStack(KafkaBroker kafka, S3Server s3) {
        this.kafka = kafka;
        this.s3 = s3;
    }

    /**
     * Starts the broker and the S3 server (in parallel), then creates {@code topics} and {@code buckets}.
     *
     * @param jarsDir folder with {@code kafka/} (the broker's classpath) and {@code s3proxy/s3proxy.jar}
     * @param workDir the broker's and the S3 server's data and logs ({@code kafka/kafka.log}, {@code s3/s3proxy.log})
     */
    public static LocalStack start(Path jarsDir, Path workDir, List<String> topics, int partitions, List<String> buckets) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        S3Server[] s3 = new S3Server[1];
        RuntimeException[] s3Failure = new RuntimeException[1];
        Thread s3Starter = new Thread(() -> {
            try {
                s3[0] = S3Server.start(jarsDir.resolve("s3proxy"), workDir.resolve("s3"));
            } catch (RuntimeException e) {
                s3Failure[0] = e;
            }
        }, "start-s3proxy");
        s3Starter.start();
        KafkaBroker kafka;
        try {
            kafka = KafkaBroker.start(jarsDir.resolve("kafka"), workDir.resolve("kafka"));
        } finally {
            joinQuietly(s3Starter);
        }
        if (s3Failure[0] != null) {
            kafka.close();
            throw s3Failure[0];
        }
        LocalStack stack = new LocalStack(kafka, s3[0]);
        try {
            kafka.createTopics(topics, partitions);
            s3[0].createBuckets(buckets);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * The jars folder: the {@value #JARS_PROPERTY} system property, else {@code target/local-stack} next to the
     * running {@code target/quarkus-app}, else {@code target/local-stack} under the working directory.
     */
    public static Path defaultJarsDir() {
        String configured = System.getProperty(JARS_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Optional<Path> app = quarkusAppDir();
        if (app.isPresent()) {
            return app.get().resolveSibling("local-stack");
        }
        return Path.of("target", "local-stack").toAbsolutePath();
    }

    /** The {@code quarkus-app} folder this code runs from, when it runs from a packaged application. */
    public static Optional<Path> quarkusAppDir() {
        try {
            CodeSource source = LocalStack.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                for (Path dir = Path.of(source.getLocation().toURI()); dir != null; dir = dir.getParent()) {
                    if (dir.getFileName() != null && dir.getFileName().toString().equals("quarkus-app")) {
                        return Optional.of(dir);
                    }
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException unknownLocation) {
            // not a file location
        }
        return Optional.empty();
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public S3Server s3() {
        return s3;
    }

    /** What a worker needs to use this stack, as Quarkus configuration keys. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.s3.endpoint-override", s3.endpoint().toString());
        config.put("quarkus.s3.path-style-access", "true");
        config.put("quarkus.s3.aws.region", S3Server.REGION);
        config.put("quarkus.s3.aws.credentials.type", "static");
        config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", S3Server.ACCESS_KEY);
        config.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", S3Server.SECRET_KEY);
        return config;
    }

    @Override
    public void close() {
        try {
            s3.close();
        } finally {
            kafka.close();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
