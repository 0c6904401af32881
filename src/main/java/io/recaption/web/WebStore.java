package io.recaption.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.protocol.JobStatus;
import io.recaption.worker.engine.JobEngine;
import io.recaption.protocol.RequestValidator;
import io.recaption.worker.store.ArtifactStore;
import io.recaption.worker.store.StorageUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The web's S3 side. It writes only uploads ({@code recaption.web.uploads-prefix} in the first input bucket) and its
 * own records under {@code {artifacts prefix}web/}; it reads the worker's statuses, manifests and images by key.
 * Nothing lists the bucket except one inversion's own history folder.
 *
 * <p>Records: {@code web/inversions/{id}/request.json} (what was asked, for the caption before the job ran and the
 * input image) and {@code web/edits/{editId}.json}; an inversion's history is one immutable object per edit,
 * {@code web/inversions/{id}/edits/{newest-first stamp}-{editId}.json}. Two web pods never rewrite the same
 * object, so neither loses the other's edit (no read-modify-write of an index), and S3 lists what was written
 * (strong read-after-write consistency); the stamp makes the listing's key order newest first.
 *
 * <p>One attempt per call, no backoff: a person is waiting, and a 503 they can retry beats a request that hangs.
 */
@ApplicationScoped
public class WebStore {

    private static final int NOT_FOUND = 404;
    private static final int CONFLICT = 409;
    private static final int PRECONDITION_FAILED = 412;
    /** Digits of the stamp: {@code Long.MAX_VALUE - epochMillis}, zero-padded, sorts newest first. */
    private static final int STAMP_DIGITS = 19;

    private final S3Client s3;
    private final ArtifactStore artifacts;
    private final RequestValidator validator;
    private final WebConfig config;
    private final ObjectMapper json;

    public WebStore(S3Client s3, ArtifactStore artifacts, RequestValidator validator, WebConfig config, ObjectMapper json) {
        this.s3 = s3;
        this.artifacts = artifacts;
        this.validator = validator;
        this.config = config;
        this.json = json;
    }

    /** Where uploads go: the first allowed input bucket, the one a request without a bucket names. */
    public String uploadsBucket() {
        return validator.inputBuckets().get(0);
    }

    public String uploadsPrefix() {
        String prefix = config.uploadsPrefix().strip();
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** {@code owner}'s folder of uploads: {@code {uploads prefix}{owner}/}. */
    public String uploadsPrefix(String owner) {
        return uploadsPrefix() + owner + "/";
    }

    public void putUpload(String key, Path file, String contentType) {
        call(() -> s3.putObject(b -> b.bucket(uploadsBucket()).key(key).contentType(contentType), file));
    }

    // ---- the web's records ----

    // every record is under its owner's folder, as the worker's artifacts are (ArtifactStore#ownerPrefix): ids are
    // an owner's own, so one owner's id neither blocks nor reveals another's

    private String ownerFolder(String owner) {
        return webPrefix() + ArtifactStore.TENANTS + owner + "/";
    }

    String inversionRecordKey(String owner, String inversionId) {
        return ownerFolder(owner) + "inversions/" + inversionId + "/request.json";
    }

    String editRecordKey(String owner, String editId) {
        return ownerFolder(owner) + "edits/" + editId + ".json";
    }

    String historyFolder(String owner, String inversionId) {
        return ownerFolder(owner) + "inversions/" + inversionId + "/edits/";
    }

    String historyKey(String owner, String inversionId, Instant createdAt, String editId) {
        String stamp = String.format("%0" + STAMP_DIGITS + "d", Long.MAX_VALUE - createdAt.toEpochMilli());
        return historyFolder(owner, inversionId) + stamp + "-" + editId + ".json";
    }

    /**
     * Writes a record only if {@code key} has none ({@code If-None-Match: *}): true when this call created it, false
     * when another request got there first (412) or is writing it right now (S3's 409 for a concurrent conditional
     * write). Records are written once and never rewritten, so two requests with one id cannot both get in, and the
     * loser never overwrites (or later deletes) the winner's record; the bucket policy refuses web puts without the
     * condition (terraform, {@code DenyOverwritableManifestsAndRecords}). A record already there with exactly these
     * bytes (the creation time and id included) is this call's own, written by a try whose answer was lost.
     */
    public boolean createRecord(String key, Object record) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean created = call(() -> {
            try {
                s3.putObject(b -> b.bucket(artifacts.bucket()).key(key).contentType("application/json").ifNoneMatch("*"),
                        RequestBody.fromBytes(bytes));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
                    return false;
                }
                throw e;
            }
        });
        // the SDK retries a PUT whose answer was lost: the retry's 412 may be our own first try, which landed
        return created || artifacts.peekJson(key).map(stored -> stored.equals(tree(bytes))).orElse(false);
    }

    private JsonNode tree(byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T> Optional<T> record(String key, Class<T> type) {
        return artifacts.peekJson(key).map(node -> json.convertValue(node, type));
    }

    /** Best effort: removes a record of a request that was not published after all. */
    public void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(artifacts.bucket()).key(key));
        } catch (SdkException e) {
            // a record without a job shows as "submitted"; nothing breaks
        }
    }

    /** The first {@code max} keys of one inversion's history folder, newest first. */
    public List<String> history(String owner, String inversionId, int max) {
        String folder = historyFolder(owner, inversionId);
        return call(() -> s3.listObjectsV2(b -> b.bucket(artifacts.bucket()).prefix(folder).maxKeys(max)))
                .contents().stream().map(S3Object::key).toList();
    }

    // ---- the worker's objects ----

    public Optional<JobStatus> status(JobPaths job) {
        return artifacts.peekStatus(job.prefix());
    }

    public Optional<JsonNode> manifest(JobPaths job) {
        return artifacts.peekJson(job.prefix() + JobEngine.MANIFEST);
    }

    /** An object as a stream with its type and length (the caller closes it), or empty when there is none. */
    public Optional<ResponseInputStream<GetObjectResponse>> open(String bucket, String key) {
        return call(() -> {
            try {
                return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key)));
            } catch (S3Exception e) {
                if (e.statusCode() == NOT_FOUND) {
                    return Optional.<ResponseInputStream<GetObjectResponse>>empty();
                }
                throw e;
            }
        });
    }

    public String artifactsBucket() {
        return artifacts.bucket();
    }

    public JobPaths inversion(String owner, String inversionId) {
        return new JobPaths(inversionId, artifacts.inversionPrefix(owner, inversionId));
    }

    public JobPaths edit(String owner, String editId) {
        return new JobPaths(editId, artifacts.editPrefix(owner, editId));
    }

    /**
     * The key of a finished job's file: each worker attempt writes under its own folder, and the manifest (written
     * last, conditionally, by the one attempt that won) names it; empty while the job has no manifest.
     */
    public Optional<String> artifact(JobPaths job, String file) {
        return manifest(job).map(m -> {
            String attempt = m.path("provenance").path("attemptId").asText("");
            return attempt.isEmpty() ? job.prefix() + file : job.prefix() + attempt + "/" + file;
        });
    }

    /** A job's id and the worker's prefix for it. */
    public record JobPaths(String id, String prefix) {}

    private String webPrefix() {
        return artifacts.prefix() + "web/";
    }

    private static <T> T call(java.util.function.Supplier<T> s3Call) {
        try {
            return s3Call.get();
        } catch (SdkException e) {
            throw new StorageUnavailable("S3: " + e.getMessage(), e);
        }
    }
}
