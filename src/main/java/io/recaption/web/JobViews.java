package io.recaption.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.JobStatus;
import io.recaption.protocol.RequestReader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds what the API shows of a job from the three places that know about it: the web's record (what was asked;
 * absent for requests published to Kafka directly), the worker's status.json (how it stands) and its manifest
 * (what it produced). A job none of them knows is 404, and so is one of another owner: the web's record names who
 * asked, and for a job published to Kafka directly the worker's status and manifest do (a job without an owner
 * belongs to nobody), so an id tells a caller nothing about other callers' jobs.
 */
@ApplicationScoped
public class JobViews {

    private final WebStore store;
    private final ObjectMapper json;

    public JobViews(WebStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** The id from a path, judged as the worker judges ids (400 INVALID_ID otherwise). */
    static String id(String id) {
        if (!RequestReader.isSafeId(id)) {
            throw ApiException.badRequest(ErrorCode.INVALID_ID, "ids are 1-128 characters of [A-Za-z0-9_-] starting with a"
                    + " letter or digit");
        }
        return id;
    }

    /** The inversion as {@code owner} may see it: 404 when there is none, or it is another's. */
    public InversionView inversion(String inversionId, String owner) {
        WebStore.JobPaths paths = store.inversion(owner, inversionId);
        Optional<WebRecords.Inversion> record = store.record(store.inversionRecordKey(owner, inversionId), WebRecords.Inversion.class);
        Optional<JobStatus> status = store.status(paths);
        Optional<JsonNode> manifest = status.isEmpty() || status.get().state() == JobStatus.State.SUCCEEDED
                ? store.manifest(paths) : Optional.empty();
        boolean mine = record.isPresent() ? WebRecords.ownedBy(record.get().owner(), owner)
                : WebRecords.ownedBy(workerOwner(status, manifest), owner);
        if (!mine || record.isEmpty() && status.isEmpty() && manifest.isEmpty()) {
            throw ApiException.notFound(ErrorCode.INVERSION_NOT_FOUND.name(), "no inversion '" + inversionId + "'");
        }
        JobState state = JobState.of(status, manifest.isPresent());
        InversionView.Result result = manifest.map(JobViews::result).orElse(null);
        String caption = result != null ? result.caption() : record.map(WebRecords.Inversion::caption).orElse(null);
        String base = "/api/inversions/" + inversionId;
        return new InversionView(inversionId, state, caption, result,
                record.map(WebRecords.Inversion::createdAt).orElse(acceptedAt(status)),
                record.isPresent() ? base + "/input.png" : null,
                state.succeeded() ? base + "/reconstruction.png" : null);
    }

    /** The edit as {@code owner} may see it: 404 when there is none, or it is another's. */
    public EditView edit(String editId, String owner) {
        Optional<WebRecords.Edit> record = store.record(store.editRecordKey(owner, editId), WebRecords.Edit.class);
        return edit(editId, record, owner).orElseThrow(() ->
                ApiException.notFound(WebCode.EDIT_NOT_FOUND.name(), "no edit '" + editId + "'"));
    }

    /** One inversion's edits accepted here, newest first (at most {@code limit}). */
    public List<EditView> history(String inversionId, int limit, String owner) {
        inversion(inversionId, owner); // 404 for an unknown inversion (or another's) rather than an empty list
        List<EditView> edits = new ArrayList<>();
        for (String key : store.history(owner, inversionId, limit)) {
            store.record(key, WebRecords.Edit.class).flatMap(r -> edit(r.editId(), Optional.of(r), owner)).ifPresent(edits::add);
        }
        return edits;
    }

    private Optional<EditView> edit(String editId, Optional<WebRecords.Edit> record, String owner) {
        WebStore.JobPaths paths = store.edit(owner, editId);
        Optional<JobStatus> status = store.status(paths);
        boolean done = status.isPresent() && status.get().state() == JobStatus.State.SUCCEEDED;
        // without the web's record (an edit published to Kafka directly) the manifest holds the settings
        Optional<JsonNode> manifest = record.isEmpty() && (done || status.isEmpty()) ? store.manifest(paths) : Optional.empty();
        if (record.isEmpty() && status.isEmpty() && manifest.isEmpty()) {
            return Optional.empty();
        }
        boolean mine = record.isPresent() ? WebRecords.ownedBy(record.get().owner(), owner)
                : WebRecords.ownedBy(workerOwner(status, manifest), owner);
        if (!mine) {
            return Optional.empty();
        }
        JobState state = JobState.of(status, manifest.isPresent());
        String imageUrl = state.succeeded() ? "/api/edits/" + editId + "/image.png" : null;
        if (record.isPresent()) {
            WebRecords.Edit r = record.get();
            return Optional.of(new EditView(editId, r.inversionId(), state, r.caption(), r.emphasis(), r.localBlend(),
                    r.localBlendExcept(), r.crossReplaceSteps(), r.selfReplaceSteps(), r.createdAt(), imageUrl));
        }
        JsonNode m = manifest.orElse(json.createObjectNode());
        String inversionId = status.map(JobStatus::inversionId).orElse(null);
        Map<String, Double> emphasis = new LinkedHashMap<>();
        m.path("emphasis").fields().forEachRemaining(e -> emphasis.put(e.getKey(), e.getValue().asDouble()));
        List<String> blend = new ArrayList<>();
        m.path("localBlend").forEach(w -> blend.add(w.asText()));
        List<String> except = new ArrayList<>();
        m.path("localBlendExcept").forEach(w -> except.add(w.asText()));
        return Optional.of(new EditView(editId, inversionId, state, m.path("caption").asText(null), emphasis, blend,
                except,
                number(m, "crossReplaceSteps"), number(m, "selfReplaceSteps"),
                acceptedAt(status), imageUrl));
    }

    /** When the worker accepted the job (ISO-8601), from its status. */
    private static String acceptedAt(Optional<JobStatus> status) {
        return status.map(JobStatus::acceptedAt).map(Object::toString).orElse(null);
    }

    /** Who asked for a job, as the worker recorded it: its status's owner, else its manifest's provenance's. */
    private static String workerOwner(Optional<JobStatus> status, Optional<JsonNode> manifest) {
        return status.map(JobStatus::owner)
                .or(() -> manifest.map(m -> m.path("provenance").path("owner").asText(null)))
                .orElse(null);
    }

    /** The manifest's user-facing fields; the real engine nests the steps under settings, the test engine not. */
    private static InversionView.Result result(JsonNode manifest) {
        JsonNode steps = manifest.path("settings").has("steps") ? manifest.path("settings").path("steps") : manifest.path("steps");
        JsonNode seconds = manifest.path("seconds");
        return new InversionView.Result(
                manifest.path("caption").asText(null),
                manifest.path("captionSource").asText("user"),
                manifest.path("method").asText(null),
                steps.isNumber() ? steps.intValue() : null,
                number(manifest, "psnr"),
                manifest.path("captionTruncated").isBoolean() ? manifest.path("captionTruncated").booleanValue() : null,
                seconds.isNumber() ? Double.valueOf(seconds.doubleValue()) : number(seconds, "total"));
    }

    private static Double number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.doubleValue() : null;
    }
}
