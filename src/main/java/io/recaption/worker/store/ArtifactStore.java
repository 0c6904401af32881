package io.recaption.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.ImageRef;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.JobStatuses;
import io.recaption.protocol.RequestReader;
import io.recaption.worker.RecaptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The worker's S3 side (DESIGN §5). Keys: {@code {prefix}inversions/{id}/} and {@code {prefix}edits/{id}/}, each
 * with {@code manifest.json} (the winning run's, written once), {@code status.json}, {@code lease.json} and one
 * folder per attempt with that attempt's files. Every call is retried through {@link StorageHealth} when its
 * failure may pass (no connection, 5xx, throttling, a conditional-write conflict); conditional writes answer
 * empty when their precondition fails (412), which is how runs and workers decide who won.
 */
@ApplicationScoped
public class ArtifactStore {

    public static final String STATUS = "status.json";
    public static final String LEASE = "lease.json";
    /** The folder of owners' jobs: {@code tenants/{owner}/inversions/…}, {@code tenants/{owner}/edits/…}. */
    public static final String TENANTS = "tenants/";
    private static final int NOT_FOUND = 404;
    private static final int FORBIDDEN = 403;
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;

    /** An object's bytes and the ETag they were read with (for a conditional write after). */
    public record Versioned(byte[] bytes, String etag) {}

    private final S3Client s3;
    private final RecaptionConfig config;
    private final ObjectMapper json;
    private final StorageHealth health;

    public ArtifactStore(S3Client s3, RecaptionConfig config, ObjectMapper json, StorageHealth health) {
        this.s3 = s3;
        this.config = config;
        this.json = json;
        this.health = health;
    }

    public String bucket() {
        return config.artifacts().bucket();
    }

    /** The configured prefix, with a trailing '/' when not empty. */
    public String prefix() {
        return prefix(config);
    }

    /** {@code recaption.artifacts.prefix}, with a trailing '/' when not empty. */
    public static String prefix(RecaptionConfig config) {
        String prefix = config.artifacts().prefix().orElse("").strip();
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /**
     * Where an owner's jobs live: {@code tenants/{owner}/} under the configured prefix (ids are the owner's own, so
     * two owners may use one id and an IAM policy can confine a role to {@code tenants/<its tenant>/*}); a request
     * without an owner (a service's, straight on Kafka) keeps the prefix's root. Owners hold no '/'
     * ({@link RequestReader#isSafeOwner}), so the two never meet: no owned key has an ownerless job's prefix.
     */
    public String ownerPrefix(String owner) {
        return owner == null ? prefix() : prefix() + TENANTS + owner + "/";
    }

    /** {@code [tenants/{owner}/]inversions/{id}/}. */
    public String inversionPrefix(String owner, String inversionId) {
        return ownerPrefix(owner) + "inversions/" + inversionId + "/";
    }

    /** {@code [tenants/{owner}/]edits/{id}/}. */
    public String editPrefix(String owner, String editId) {
        return ownerPrefix(owner) + "edits/" + editId + "/";
    }

    /** The key prefixes the worker writes under in its bucket (never an input). */
    public static List<String> ownPrefixes(RecaptionConfig config) {
        String prefix = prefix(config);
        return List.of(prefix + "inversions/", prefix + "edits/", prefix + TENANTS);
    }

    /** The object's ETag, or empty when there is no such object. */
    public Optional<String> etag(String bucket, String key) {
        return retrying("HEAD " + key, () -> head(bucket, key).map(HeadObjectResponse::eTag));
    }

    /**
     * The {@code sha256:} hex digest of an input's bytes, streamed (at most {@code maxBytes + 1} of them: a larger
     * input is refused when it is fetched, and its identity is its bucket, key and that much of it); empty when
     * there is no such object.
     */
    public Optional<String> inputDigest(ImageRef image, long maxBytes) {
        return retrying("GET " + image.key(), () -> {
            try {
                return Optional.of(s3.getObject(b -> b.bucket(image.bucket()).key(image.key()),
                        (response, in) -> digestAtMost(in, maxBytes + 1)));
            } catch (S3Exception e) {
                if (absent(e, image.bucket(), image.key())) {
                    return Optional.<String>empty();
                }
                throw e;
            }
        });
    }

    private static String digestAtMost(java.io.InputStream in, long limit) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        long left = limit;
        for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; left -= n) {
            sha256.update(buffer, 0, n);
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    /** The object's size, or empty when there is no such object (or bucket). */
    public Optional<Long> size(String bucket, String key) {
        return retrying("HEAD " + key, () -> head(bucket, key).map(HeadObjectResponse::contentLength));
    }

    private Optional<HeadObjectResponse> head(String bucket, String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (S3Exception e) {
            if (absent(e, bucket, key)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Whether a failed read means "no such key": 404, or 403 where listing the key's prefix (which the worker's
     * role may do, limited by prefix) shows it absent — AWS answers 403 for a missing key to a principal whose
     * ListBucket permission does not cover the request.
     */
    private boolean absent(S3Exception e, String bucket, String key) {
        if (e.statusCode() == NOT_FOUND) {
            return true;
        }
        if (e.statusCode() != FORBIDDEN) {
            return false;
        }
        try {
            return s3.listObjectsV2(b -> b.bucket(bucket).prefix(key).maxKeys(1)).contents().stream()
                    .noneMatch(object -> object.key().equals(key));
        } catch (S3Exception listingDenied) {
            return false;
        }
    }

    public boolean exists(String key) {
        return size(bucket(), key).isPresent();
    }

    /** An object of the artifacts bucket with its ETag, or empty when absent. */
    public Optional<Versioned> read(String key) {
        return retrying("GET " + key, () -> get(key));
    }

    /** A JSON object of the artifacts bucket, or empty when absent. */
    public Optional<JsonNode> readJson(String key) {
        return read(key).map(v -> parse(key, v.bytes()));
    }

    /** {@link #readJson} in one attempt, for callers that must answer quickly (the status endpoints). */
    public Optional<JsonNode> peekJson(String key) {
        try {
            return get(key).map(v -> parse(key, v.bytes()));
        } catch (SdkException e) {
            throw new StorageUnavailable("GET " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The status of the job under {@code prefix} ({@value #STATUS}), retried like {@link #read}. */
    public Optional<JobStatus> readStatus(String prefix) {
        return read(prefix + STATUS).map(v -> status(prefix, v.bytes()));
    }

    /** {@link #readStatus} in one attempt, for callers that must answer quickly (the status endpoints). */
    public Optional<JobStatus> peekStatus(String prefix) {
        try {
            return get(prefix + STATUS).map(v -> status(prefix, v.bytes()));
        } catch (SdkException e) {
            throw new StorageUnavailable("GET " + prefix + STATUS + " failed: " + e.getMessage(), e);
        }
    }

    private JobStatus status(String prefix, byte[] bytes) {
        try {
            return JobStatuses.read(bytes);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("s3://" + bucket() + "/" + prefix + STATUS + " is " + e.getMessage(), e));
        }
    }

    private Optional<Versioned> get(String key) {
        try {
            var response = s3.getObjectAsBytes(b -> b.bucket(bucket()).key(key));
            return Optional.of(new Versioned(response.asByteArray(), response.response().eTag()));
        } catch (S3Exception e) {
            if (absent(e, bucket(), key)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    JsonNode parse(String key, byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + bucket() + "/" + key + " is not JSON", e);
        }
    }

    /** Creates {@code key} only if it does not exist ({@code If-None-Match: *}): its ETag, or empty when it existed. */
    public Optional<String> create(String key, byte[] bytes) {
        return conditional("PUT (if absent) " + key, () -> s3.putObject(
                b -> b.bucket(bucket()).key(key).contentType("application/json").ifNoneMatch("*"),
                RequestBody.fromBytes(bytes)).eTag());
    }

    /** Replaces {@code key} only if it is still at {@code etag} ({@code If-Match}): the new ETag, or empty. */
    public Optional<String> replace(String key, byte[] bytes, String etag) {
        return conditional("PUT (if match) " + key, () -> s3.putObject(
                b -> b.bucket(bucket()).key(key).contentType("application/json").ifMatch(etag),
                RequestBody.fromBytes(bytes)).eTag());
    }

    /** {@link #replace} in one attempt (lease renewals: the next one follows soon). */
    public Optional<String> replaceOnce(String key, byte[] bytes, String etag) {
        try {
            return Optional.of(s3.putObject(b -> b.bucket(bucket()).key(key).contentType("application/json").ifMatch(etag),
                    RequestBody.fromBytes(bytes)).eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<String> conditional(String what, Supplier<String> put) {
        return retrying(what, () -> {
            try {
                return Optional.of(put.get());
            } catch (S3Exception e) {
                if (e.statusCode() == PRECONDITION_FAILED) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    public void upload(String key, Path file) {
        String name = file.getFileName().toString();
        String contentType = name.endsWith(".png") ? "image/png"
                : name.endsWith(".json") ? "application/json" : "application/octet-stream";
        retrying("PUT " + key, () -> s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType), file));
    }

    /** Keys of the artifacts bucket under {@code prefix}. */
    public List<String> list(String prefix) {
        return retrying("LIST " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(prefix)).contents().stream()
                    .map(S3Object::key).forEach(keys::add);
            return keys;
        });
    }

    public void delete(String key) {
        retrying("DELETE " + key, () -> s3.deleteObject(b -> b.bucket(bucket()).key(key)));
    }

    /**
     * Copies an input object to {@code target}, failing with IMAGE_NOT_FOUND when it is absent (or not readable)
     * and IMAGE_TOO_LARGE when it has more than {@code maxBytes} (checked before and while reading).
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
                (response, in) -> LocalFiles.copyAtMost(in, target, maxBytes)));
        if (!complete) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, where + " grew beyond " + maxBytes + " bytes while being read");
        }
    }

    /** Copies an artifact of the artifacts bucket to {@code target}; false when it does not exist. */
    public boolean downloadArtifact(String key, Path target) {
        return retrying("GET " + key, () -> {
            try {
                s3.getObject(b -> b.bucket(bucket()).key(key), ResponseTransformer.toFile(LocalFiles.temporarySibling(target)));
                Files.move(LocalFiles.temporarySibling(target), target, StandardCopyOption.REPLACE_EXISTING);
                return true;
            } catch (S3Exception e) {
                if (absent(e, bucket(), key)) {
                    return false;
                }
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                LocalFiles.deleteQuietly(LocalFiles.temporarySibling(target));
            }
        });
    }

    /** Whether the artifacts bucket answers now (readiness, the outage probe): one call with a short timeout. */
    public boolean reachable(Duration timeout) {
        try {
            s3.headBucket(b -> b.bucket(bucket()).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    /** Runs an S3 call, retrying failures that may pass until the job's deadline; others are rethrown as they are. */
    <T> T retrying(String what, Supplier<T> call) {
        return health.retry(what, call, ArtifactStore::transientFailure);
    }

    private static boolean transientFailure(RuntimeException e) {
        if (e instanceof S3Exception s3e) {
            return s3e.statusCode() >= 500 || s3e.isThrottlingException() || s3e.statusCode() == 408
                    || s3e.statusCode() == CONFLICT;
        }
        return e instanceof SdkClientException;
    }
}
