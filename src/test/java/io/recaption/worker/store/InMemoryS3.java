package io.recaption.worker.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 in memory behind the SDK's own {@link S3Client} interface, for unit tests of everything above the store
 * (the ladder, leases, statuses) in milliseconds: buckets of keys, S3's conditional writes ({@code If-None-Match: *},
 * {@code If-Match}: 412 when they do not hold), ETags as S3 makes them for single-part uploads (the quoted MD5), and
 * the faults the worker must survive: unavailable for the next N calls, slow calls, the answer of a write lost after
 * the write landed, and a bucket whose objects come without ETags (some S3-compatible stores and proxies).
 * Only the calls the worker makes are implemented; any other throws {@link UnsupportedOperationException}.
 */
public final class InMemoryS3 implements S3Client {

    private record Stored(byte[] bytes, String etag, java.time.Instant modified) {}

    private final Map<String, ConcurrentSkipListMap<String, Stored>> buckets = new ConcurrentHashMap<>();
    private final Set<String> withoutETags = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unavailableCalls = new AtomicInteger();
    private final AtomicInteger lostWriteAnswers = new AtomicInteger();
    private final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Clock clock;
    private volatile Duration delay = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicReference<Planted> planted = new java.util.concurrent.atomic.AtomicReference<>();

    private record Planted(java.util.regex.Pattern call, AtomicInteger skip, RuntimeException fault) {}

    public InMemoryS3(Clock clock, String... buckets) {
        this.clock = clock;
        for (String bucket : buckets) {
            this.buckets.put(bucket, new ConcurrentSkipListMap<>());
        }
    }

    // ---- faults ----

    /** The next {@code calls} calls fail as a connection that cannot be made would ({@link SdkClientException}). */
    public void unavailableFor(int calls) {
        unavailableCalls.set(calls);
    }

    /** The next {@code writes} writes land, and then their answers are lost (the caller sees a connection error). */
    public void loseAnswersOfWrites(int writes) {
        lostWriteAnswers.set(writes);
    }

    /** Every call takes at least this long. */
    public void slow(Duration delay) {
        this.delay = delay;
    }

    /**
     * The next call logged as {@code call} (a pattern of {@code "PUT bucket/key"}) throws {@code fault} instead of
     * answering, once: what a bug, or a state nobody planned for, looks like at that step.
     */
    public void failOnce(java.util.regex.Pattern call, RuntimeException fault) {
        failOnce(call, 0, fault);
    }

    /** As {@link #failOnce(java.util.regex.Pattern, RuntimeException)}, at the call after {@code skip} such calls. */
    public void failOnce(java.util.regex.Pattern call, int skip, RuntimeException fault) {
        planted.set(new Planted(call, new AtomicInteger(skip), fault));
    }

    /** Whether the fault of {@link #failOnce} was thrown (or none was planted). */
    public boolean plantedFaultThrown() {
        return planted.get() == null;
    }

    /** Objects of {@code bucket} are served without an ETag. */
    public void withoutETags(String bucket) {
        withoutETags.add(bucket);
    }

    // ---- what a test looks at ----

    /** Every call made, in order, as {@code "PUT bucket/key"}, {@code "GET …"}, … (failed ones too). */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public Optional<byte[]> object(String bucket, String key) {
        return Optional.ofNullable(bucket(bucket).get(key)).map(Stored::bytes);
    }

    public void put(String bucket, String key, byte[] bytes) {
        bucket(bucket).put(key, stored(bytes));
    }

    public List<String> keys(String bucket, String prefix) {
        return bucket(bucket).keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    // ---- the SDK's calls ----

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest request) {
        Stored stored = existing("HEAD", request.bucket(), request.key());
        return HeadObjectResponse.builder().contentLength((long) stored.bytes().length)
                .eTag(etag(request.bucket(), stored)).lastModified(stored.modified()).build();
    }

    @Override
    public <T> T getObject(GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
        Stored stored = existing("GET", request.bucket(), request.key());
        GetObjectResponse response = GetObjectResponse.builder().contentLength((long) stored.bytes().length)
                .eTag(etag(request.bucket(), stored)).lastModified(stored.modified()).build();
        try {
            return transformer.transform(response, AbortableInputStream.create(new ByteArrayInputStream(stored.bytes())));
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new UncheckedIOException(new IOException(e));
        }
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        call("PUT", request.bucket(), request.key());
        byte[] bytes;
        try (InputStream in = body.contentStreamProvider().newStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConcurrentSkipListMap<String, Stored> bucket = bucket(request.bucket());
        Stored written = stored(bytes);
        synchronized (bucket) {
            Stored current = bucket.get(request.key());
            if ("*".equals(request.ifNoneMatch()) && current != null) {
                throw error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
            }
            if (request.ifMatch() != null && (current == null || !current.etag().equals(request.ifMatch()))) {
                throw error(current == null ? 404 : 412, current == null ? "NoSuchKey" : "PreconditionFailed",
                        "If-Match " + request.ifMatch() + " does not hold");
            }
            bucket.put(request.key(), written);
        }
        if (lostWriteAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw SdkClientException.create("the answer to PUT " + request.key() + " was lost (the write landed)");
        }
        return PutObjectResponse.builder().eTag(etag(request.bucket(), written)).build();
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
        call("LIST", request.bucket(), request.prefix());
        String prefix = request.prefix() == null ? "" : request.prefix();
        int max = request.maxKeys() == null ? 1000 : request.maxKeys();
        List<S3Object> contents = new ArrayList<>();
        for (Map.Entry<String, Stored> e : bucket(request.bucket()).tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix) || contents.size() >= max) {
                break;
            }
            contents.add(S3Object.builder().key(e.getKey()).size((long) e.getValue().bytes().length)
                    .eTag(etag(request.bucket(), e.getValue())).lastModified(e.getValue().modified()).build());
        }
        return ListObjectsV2Response.builder().contents(contents).keyCount(contents.size()).isTruncated(false).build();
    }

    @Override
    public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
        call("DELETE", request.bucket(), request.key());
        bucket(request.bucket()).remove(request.key());
        return DeleteObjectResponse.builder().build();
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        call("HEAD", request.bucket(), "");
        bucket(request.bucket());
        return HeadBucketResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // nothing to release
    }

    // ----

    private Stored existing(String verb, String bucket, String key) {
        call(verb, bucket, key);
        Stored stored = bucket(bucket).get(key);
        if (stored == null) {
            throw error(404, "NoSuchKey", "The specified key does not exist.");
        }
        return stored;
    }

    /** Logs the call and applies the faults that come before S3 answers. */
    private void call(String verb, String bucket, String key) {
        String call = verb + " " + bucket + "/" + key;
        calls.add(call);
        Planted fault = planted.get();
        if (fault != null && fault.call().matcher(call).matches() && fault.skip().getAndDecrement() == 0
                && planted.compareAndSet(fault, null)) {
            throw fault.fault();
        }
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SdkClientException.create("interrupted");
            }
        }
        if (unavailableCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw SdkClientException.create("Unable to execute HTTP request: Connection refused (in-memory S3 is down)");
        }
    }

    private ConcurrentSkipListMap<String, Stored> bucket(String name) {
        ConcurrentSkipListMap<String, Stored> bucket = buckets.get(name);
        if (bucket == null) {
            throw error(404, "NoSuchBucket", "The specified bucket does not exist: " + name);
        }
        return bucket;
    }

    private String etag(String bucket, Stored stored) {
        return withoutETags.contains(bucket) ? null : stored.etag();
    }

    private Stored stored(byte[] bytes) {
        try {
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
            return new Stored(bytes.clone(), "\"" + md5 + "\"", clock.instant());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("S3").build())
                .build();
    }
}
