package io.recaption.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one mapper of {@link JobStatus}: ISO-8601 times, absent fields omitted, unknown fields ignored (a newer
 * worker may add some; a reader of this version keeps what it knows).
 */
public final class JobStatuses {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private JobStatuses() {}

    public static byte[] write(JobStatus status) {
        try {
            return JSON.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status record always serializes", e);
        }
    }

    /**
     * The status in {@code bytes}.
     *
     * @throws IllegalArgumentException the bytes are not a status (not JSON, or a field of the wrong type)
     */
    public static JobStatus read(byte[] bytes) {
        try {
            return JSON.readValue(bytes, JobStatus.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a job status: " + LogSafe.text(e.getMessage()), e);
        }
    }
}
