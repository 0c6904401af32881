package io.recaption.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code edit-events}: {@code {schemaVersion, editId, inversionId, status, attemptId?, bucket?, imageKey?,
 * manifestKey?, statusKey?, metrics?, error?, replayed?}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EditEvent(int schemaVersion, String editId, String inversionId, String status, String attemptId,
        String bucket, String imageKey, String manifestKey, String statusKey, JobEvent.Metrics metrics,
        JobEvent.Error error, Boolean replayed) implements JobEvent {

    public EditEvent {
        if (editId == null || inversionId == null || status == null) {
            throw new IllegalArgumentException("an edit event needs its ids and status");
        }
        if (SUCCEEDED.equals(status) == (imageKey == null) || FAILED.equals(status) == (error == null)) {
            throw new IllegalArgumentException("succeeded events carry the image, failed ones an error");
        }
        replayed = Boolean.TRUE.equals(replayed) ? Boolean.TRUE : null;
    }

    @Override
    @JsonIgnore
    public String id() {
        return editId;
    }

    @Override
    @JsonIgnore
    public boolean isReplay() {
        return replayed != null;
    }

    public static EditEvent failed(String editId, String inversionId, JobFailure failure, boolean replayed) {
        return new EditEvent(RequestReader.SCHEMA_VERSION, editId, inversionId, FAILED, null, null, null, null, null,
                null, JobEvent.Error.of(failure), replayed);
    }
}
