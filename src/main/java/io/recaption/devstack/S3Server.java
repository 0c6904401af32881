package io.recaption.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * An S3-compatible server: s3proxy ({@code org.gaul:s3proxy}, jar with dependencies, copied to
 * {@code target/local-stack/s3proxy}) as a child JVM on a loopback port, filesystem backend, AWS signatures
 * (v2 or v4) checked against a local key pair. It can be stopped and started again on the same port with the
 * same data, which is how tests make S3 unreachable for a while.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "recaption-local";
    public static final String SECRET_KEY = "recaption-local-secret";
    public static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path jar;
    private final Path dir;
    private final int port;
    private ChildJvm process;

    private S3Server(Path jar, Path dir, int port) {
        this.jar = jar;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server with no buckets, its data in {@code dir} (anything there before is deleted). */
    public static S3Server start(Path jarsDir, Path dir) {
        Path jar = jarsDir.resolve("s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + " (it is copied there by `mvn package`)");
        }
        ChildJvm.deleteTree(dir);
        S3Server server = new S3Server(jar, dir, ChildJvm.freePort());
        server.start();
        return server;
    }

    /** Starts (again) on the same port and data. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        Path data = dir.resolve("data");
        Path properties = dir.resolve("s3proxy.properties");
        String config = String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data.toAbsolutePath(),
                "");
        try {
            Files.createDirectories(data);
            Files.writeString(properties, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = ChildJvm.start("s3proxy",
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"),
                List.of("-jar", jar.toAbsolutePath().toString(), "--properties", properties.toString()),
                dir.resolve("s3proxy.log"), dir);
        process.awaitPort(port, START_TIMEOUT);
    }

    /** Stops the server (the port stops answering); {@link #start()} brings it back with its data. */
    public synchronized void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client for setting things up (buckets, test objects). */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public void createBuckets(List<String> buckets) {
        try (S3Client s3 = client()) {
            for (String bucket : buckets) {
                try {
                    s3.createBucket(b -> b.bucket(bucket));
                } catch (BucketAlreadyOwnedByYouException exists) {
                    // created by an earlier start
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
