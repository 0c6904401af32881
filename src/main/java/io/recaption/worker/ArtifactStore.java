package io.recaption.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The worker's S3 side (DESIGN §5): key layout {@code {prefix}inversions/{id}/…} and {@code {prefix}edits/{id}/…},
 * and every S3 call with retries and exponential backoff ({@code recaption.storage.retry.*}) for failures that
 * may pass (no connection, 5xx, throttling). When they do not, {@link StorageUnavailable}.
 */
@ApplicationScoped
public class ArtifactStore {

    public static final String STATUS = "status.json";
    private static final Logger LOG = Logger.getLogger(ArtifactStore.class);
    private static final int NOT_FOUND = 404;

    private final S3Client s3;
    private final RecaptionConfig config;
    private final ObjectMapper json;

    public ArtifactStore(S3Client s3, RecaptionConfig config, ObjectMapper json) {
        this.s3 = s3;
        this.config = config;
        this.json = json;
    }

    public String bucket() {
        return config.artifacts().bucket();
    }

    /** The configured prefix, with a trailing '/' when not empty. */
    public String prefix() {
        String prefix = config.artifacts().prefix().orElse("").strip();
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    public String inversionPrefix(String inversionId) {
        return prefix() + "inversions/" + inversionId + "/";
    }

    public String editPrefix(String editId) {
        return prefix() + "edits/" + editId + "/";
    }

    /** The object's size, or empty when there is no such object (or bucket). */
    public Optional<Long> size(String bucket, String key) {
        return retrying("HEAD " + key, () -> {
            try {
                HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
                return Optional.of(head.contentLength());
            } catch (S3Exception e) {
                if (e.statusCode() == NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    public boolean exists(String key) {
        return size(bucket(), key).isPresent();
    }

    /** A JSON object of the artifacts bucket, or empty when absent. */
    public Optional<JsonNode> readJson(String key) {
        return retrying("GET " + key, () -> getJson(key));
    }

    /** {@link #readJson} in one attempt, for callers that must answer quickly (the status endpoints). */
    public Optional<JsonNode> peekJson(String key) {
        try {
            return getJson(key);
        } catch (SdkException e) {
            throw new StorageUnavailable("GET " + key + " failed: " + e.getMessage(), e);
        }
    }

    private Optional<JsonNode> getJson(String key) {
        try {
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket()).key(key)).asByteArray();
            return Optional.of(json.readTree(bytes));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + bucket() + "/" + key + " is not JSON", e);
        }
    }

    public void putJson(String key, JsonNode value) {
        byte[] bytes;
        try {
            bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        retrying("PUT " + key, () -> s3.putObject(
                b -> b.bucket(bucket()).key(key).contentType("application/json"), RequestBody.fromBytes(bytes)));
    }

    /** One attempt, no retries: for progress updates, which the next one supersedes. */
    public void putJsonOnce(String key, JsonNode value) {
        try {
            byte[] bytes = json.writeValueAsBytes(value);
            s3.putObject(b -> b.bucket(bucket()).key(key).contentType("application/json"), RequestBody.fromBytes(bytes));
        } catch (IOException | SdkException e) {
            LOG.debugf("progress update of %s not written: %s", key, e.getMessage());
        }
    }

    public void upload(String key, Path file) {
        String contentType = file.getFileName().toString().endsWith(".png")
                ? "image/png"
                : file.getFileName().toString().endsWith(".json") ? "application/json" : "application/octet-stream";
        retrying("PUT " + key, () -> s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType), file));
    }

    /** The manifest the engine wrote (or, if it only returned one, that one), uploaded after everything else. */
    public void uploadManifest(Path outDir, JsonNode returned, String prefix) {
        Path file = outDir.resolve(JobEngine.MANIFEST);
        try {
            if (!Files.isRegularFile(file)) {
                json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), returned);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        upload(prefix + JobEngine.MANIFEST, file);
    }

    /**
     * Copies an object to {@code target}, failing with IMAGE_NOT_FOUND when it is absent (or not readable) and
     * IMAGE_TOO_LARGE when it has more than {@code maxBytes} (checked before and while reading).
     */
    public void downloadInput(ImageRef image, Path target, long maxBytes) throws JobFailure {
        String where = "s3://" + image.bucket() + "/" + RequestReader.clip(image.key());
        Optional<Long> size;
        try {
            size = size(image.bucket(), image.key());
        } catch (S3Exception e) {
            throw new JobFailure(ErrorCode.IMAGE_NOT_FOUND, where + " cannot be read: " + e.awsErrorDetails().errorCode());
        }
        if (size.isEmpty()) {
            throw new JobFailure(ErrorCode.IMAGE_NOT_FOUND, where + " does not exist");
        }
        if (size.get() > maxBytes) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, where + " has " + size.get() + " bytes, at most " + maxBytes + " are accepted");
        }
        boolean complete = retrying("GET " + image.key(), () -> s3.getObject(
                b -> b.bucket(image.bucket()).key(image.key()),
                (response, in) -> copyAtMost(in, target, maxBytes)));
        if (!complete) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, where + " grew beyond " + maxBytes + " bytes while being read");
        }
    }

    /** Copies an artifact of the artifacts bucket to {@code target}; false when it does not exist. */
    public boolean downloadArtifact(String key, Path target) {
        return retrying("GET " + key, () -> {
            try {
                s3.getObject(b -> b.bucket(bucket()).key(key), ResponseTransformer.toFile(temporarySibling(target)));
                Files.move(temporarySibling(target), target, StandardCopyOption.REPLACE_EXISTING);
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == NOT_FOUND) {
                    return false;
                }
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteQuietly(temporarySibling(target));
            }
        });
    }

    /** Whether the artifacts bucket answers now (readiness): one call with a short timeout. */
    public boolean reachable(Duration timeout) {
        try {
            s3.headBucket(b -> b.bucket(bucket()).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    /**
     * Runs an S3 call, retrying failures that may pass with exponential backoff; an answer that will not change
     * (403, 400, ...) is rethrown as it is.
     */
    <T> T retrying(String what, Supplier<T> call) {
        RecaptionConfig.Storage.Retry retry = config.storage().retry();
        long backoff = retry.initialBackoff().toMillis();
        int attempts = Math.max(1, retry.attempts());
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (!transientFailure(e)) {
                    throw e;
                }
                if (attempt >= attempts) {
                    throw new StorageUnavailable(what + " failed after " + attempt + " attempt(s): " + e.getMessage(), e);
                }
                LOG.warnf("S3 %s failed (attempt %d of %d), retrying in %d ms: %s", what, attempt, attempts, backoff, e.getMessage());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailable(what + " interrupted while waiting to retry", e);
            }
            backoff = Math.min(backoff * 2, retry.maxBackoff().toMillis());
        }
    }

    private static boolean transientFailure(SdkException e) {
        if (e instanceof S3Exception s3e) {
            return s3e.statusCode() >= 500 || s3e.isThrottlingException() || s3e.statusCode() == 408;
        }
        return e instanceof SdkClientException;
    }

    private static boolean copyAtMost(InputStream in, Path target, long maxBytes) throws IOException {
        try (in; OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    return false;
                }
                out.write(buffer, 0, n);
            }
            return true;
        }
    }

    private static Path temporarySibling(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", file, e.getMessage());
        }
    }
}
