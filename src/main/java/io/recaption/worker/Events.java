package io.recaption.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The events' JSON (DESIGN §5). Inversion: {@code {schemaVersion, requestId, inversionId, status, artifacts?:
 * {bucket, prefix, latentsKey, nullEmbeddingsKey, reconstructionKey, manifestKey, statusKey}, metrics?: {psnr?,
 * seconds}, error?: {code, message}, replayed?}}. Edit: {@code {schemaVersion, editId, inversionId, status,
 * bucket?, imageKey?, manifestKey?, statusKey?, metrics?: {seconds}, error?, replayed?}}. {@code replayed: true}
 * marks an event answered from an existing manifest (a redelivered request).
 */
final class Events {

    private Events() {}

    static ObjectNode inversionSucceeded(ArtifactStore store, String id, JsonNode manifest, double seconds, boolean replayed) {
        ObjectNode event = inversion(id, StatusTracker.SUCCEEDED);
        String prefix = store.inversionPrefix(id);
        ObjectNode artifacts = event.putObject("artifacts");
        artifacts.put("bucket", store.bucket());
        artifacts.put("prefix", prefix);
        artifacts.put("latentsKey", prefix + JobEngine.LATENTS);
        artifacts.put("nullEmbeddingsKey", prefix + JobEngine.NULL_EMBEDDINGS);
        artifacts.put("reconstructionKey", prefix + JobEngine.RECONSTRUCTION);
        artifacts.put("manifestKey", prefix + JobEngine.MANIFEST);
        artifacts.put("statusKey", prefix + ArtifactStore.STATUS);
        ObjectNode metrics = event.putObject("metrics");
        JsonNode psnr = manifest.get("psnr");
        if (psnr != null && psnr.isNumber()) {
            metrics.put("psnr", psnr.doubleValue());
        }
        metrics.put("seconds", seconds);
        if (replayed) {
            event.put("replayed", true);
        }
        return event;
    }

    static ObjectNode inversionFailed(String id, JobFailure failure) {
        ObjectNode event = inversion(id, StatusTracker.FAILED);
        error(event, failure);
        return event;
    }

    static ObjectNode editSucceeded(ArtifactStore store, String editId, String inversionId, double seconds, boolean replayed) {
        ObjectNode event = edit(editId, inversionId, StatusTracker.SUCCEEDED);
        String prefix = store.editPrefix(editId);
        event.put("bucket", store.bucket());
        event.put("imageKey", prefix + JobEngine.EDITED_IMAGE);
        event.put("manifestKey", prefix + JobEngine.MANIFEST);
        event.put("statusKey", prefix + ArtifactStore.STATUS);
        event.putObject("metrics").put("seconds", seconds);
        if (replayed) {
            event.put("replayed", true);
        }
        return event;
    }

    static ObjectNode editFailed(String editId, String inversionId, JobFailure failure) {
        ObjectNode event = edit(editId, inversionId, StatusTracker.FAILED);
        error(event, failure);
        return event;
    }

    private static ObjectNode inversion(String id, String status) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("schemaVersion", RequestReader.SCHEMA_VERSION);
        event.put("requestId", id);
        event.put("inversionId", id);
        event.put("status", status);
        return event;
    }

    private static ObjectNode edit(String editId, String inversionId, String status) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("schemaVersion", RequestReader.SCHEMA_VERSION);
        event.put("editId", editId);
        event.put("inversionId", inversionId);
        event.put("status", status);
        return event;
    }

    private static void error(ObjectNode event, JobFailure failure) {
        ObjectNode error = event.putObject("error");
        error.put("code", failure.code().name());
        error.put("message", failure.getMessage());
    }
}
