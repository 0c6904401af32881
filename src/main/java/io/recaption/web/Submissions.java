package io.recaption.web;

import io.recaption.protocol.EditJob;
import io.recaption.protocol.EditOptions;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepting a request: judge it as the worker will ({@link WireMessages}), write the web's record of it, then
 * publish it. The record comes first so that whatever a worker does with the request can be shown; when publishing
 * fails the records are removed again and the API answers 503, so nothing is half accepted.
 */
@ApplicationScoped
public class Submissions {

    private final WebStore store;
    private final WireMessages wire;
    private final RequestPublisher publisher;
    private final JobViews views;
    private final Clock clock = Clock.systemUTC();

    public Submissions(WebStore store, WireMessages wire, RequestPublisher publisher, JobViews views) {
        this.store = store;
        this.wire = wire;
        this.publisher = publisher;
        this.views = views;
    }

    /** Publishes an inversion of an uploaded photo for {@code owner}; returns its id. */
    public String inversion(InversionRequest request, String owner) {
        String id = request.inversionId() != null ? request.inversionId() : UUID.randomUUID().toString();
        InversionRequest.Image image = upload(request.image(), owner);
        WireMessages.Checked<InversionJob> checked = wire.inversion(id, image, request.caption(), request.options(), owner);
        String recordKey = store.inversionRecordKey(owner, id);
        WebRecords.Inversion record = new WebRecords.Inversion(WebRecords.SCHEMA_VERSION, id, image, request.caption(),
                request.options(), Instant.now(clock).toString(), owner);
        if (request.inversionId() != null) {
            Optional<WebRecords.Inversion> existing = store.record(recordKey, WebRecords.Inversion.class);
            if (existing.isPresent()) {
                return again(existing.get(), record, checked);
            }
            if (store.status(store.inversion(owner, id)).isPresent()) {
                throw new ApiException(409, WebCode.ID_CONFLICT, "inversion '" + id + "' exists already");
            }
        }
        if (!store.createRecord(recordKey, record)) {
            // two requests raced for this id and the other one's record landed first (or is landing now)
            return again(store.record(recordKey, WebRecords.Inversion.class).orElseThrow(() -> new ApiException(409,
                    WebCode.ID_CONFLICT, "inversion '" + id + "' is being requested by another call; try again")), record, checked);
        }
        try {
            publisher.inversion(id, checked.message());
        } catch (ApiException e) {
            store.deleteQuietly(recordKey);
            throw e;
        }
        return id;
    }

    /**
     * A request for an id that has a record: the same request again is a retry, published again (the worker answers
     * a finished one from its manifest); any other values are a conflict.
     */
    private String again(WebRecords.Inversion existing, WebRecords.Inversion record, WireMessages.Checked<InversionJob> checked) {
        if (!sameRequest(existing, record)) {
            throw new ApiException(409, WebCode.ID_CONFLICT, "inversion '" + record.inversionId()
                    + "' was requested with other values");
        }
        publisher.inversion(record.inversionId(), checked.message());
        return record.inversionId();
    }

    /** Publishes an edit of a finished inversion of {@code owner} (another's is 404); returns its id. */
    public String edit(EditRequest request, String owner) {
        InversionView inversion = views.inversion(request.inversionId(), owner);
        if (!inversion.status().succeeded()) {
            ApiError failure = inversion.status().error();
            throw new ApiException(409, WebCode.INVERSION_NOT_READY, "inversion '" + request.inversionId() + "' is "
                    + inversion.status().state() + (failure == null ? "" : " (" + failure.code() + ": " + failure.message() + ")")
                    + "; edits need a finished inversion");
        }
        String editId = UUID.randomUUID().toString();
        WireMessages.Checked<EditJob> checked = wire.edit(editId, request, owner);
        EditOptions options = checked.job().options();
        Instant now = Instant.now(clock);
        WebRecords.Edit record = new WebRecords.Edit(WebRecords.SCHEMA_VERSION, editId, request.inversionId(),
                options.caption(), options.emphasis(), options.localBlend(), options.localBlendExcept(),
                options.crossReplaceSteps(),
                options.selfReplaceSteps(), now.toString(), owner);
        String recordKey = store.editRecordKey(owner, editId);
        String historyKey = store.historyKey(owner, request.inversionId(), now, editId);
        // edit ids are drawn here, so a collision is a duplicate UUID: refused rather than written over
        if (!store.createRecord(recordKey, record)) {
            throw new ApiException(409, WebCode.ID_CONFLICT, "edit '" + editId + "' exists already");
        }
        if (!store.createRecord(historyKey, record)) {
            store.deleteQuietly(recordKey);
            throw new ApiException(409, WebCode.ID_CONFLICT, "edit '" + editId + "' exists already");
        }
        try {
            publisher.edit(editId, checked.message());
        } catch (ApiException e) {
            store.deleteQuietly(historyKey);
            store.deleteQuietly(recordKey);
            throw e;
        }
        return editId;
    }

    /**
     * The web inverts only what it stored itself for this caller: the uploads bucket, keys under the caller's folder of
     * the uploads prefix. (The worker may read other objects, e.g. models/; a user of the editor may not make it read
     * them, nor another caller's photo.)
     */
    private InversionRequest.Image upload(InversionRequest.Image image, String owner) {
        String bucket = image.bucket() == null ? store.uploadsBucket() : image.bucket();
        if (!bucket.equals(store.uploadsBucket())) {
            throw ApiException.badRequest(ErrorCode.BUCKET_NOT_ALLOWED, "photos come from this editor's uploads (bucket "
                    + store.uploadsBucket() + "), not from '" + clip(bucket) + "'");
        }
        if (!image.key().startsWith(store.uploadsPrefix(owner))) {
            throw ApiException.badRequest(ErrorCode.INVALID_IMAGE_KEY, "image.key must be one of your uploads (under "
                    + store.uploadsPrefix(owner) + "): POST the photo to /api/uploads first");
        }
        return new InversionRequest.Image(bucket, image.key());
    }

    private static boolean sameRequest(WebRecords.Inversion a, WebRecords.Inversion b) {
        return a.image().equals(b.image()) && Objects.equals(a.caption(), b.caption()) && Objects.equals(a.options(), b.options())
                && Objects.equals(a.owner(), b.owner());
    }

    private static String clip(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
