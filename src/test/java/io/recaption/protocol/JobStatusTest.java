package io.recaption.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code status.json} as one record: its transitions in one place, and one mapper that reads what it writes. */
@Tag("unit")
class JobStatusTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aFinishedJobStaysFinishedButAFailureMayGiveWayToTheRunThatPublished() {
        for (JobStatus.State from : JobStatus.State.values()) {
            Set<JobStatus.State> allowed = EnumSet.noneOf(JobStatus.State.class);
            for (JobStatus.State to : JobStatus.State.values()) {
                if (from.mayBecome(to)) {
                    allowed.add(to);
                }
            }
            Set<JobStatus.State> expected = switch (from) {
                case QUEUED, RUNNING -> EnumSet.allOf(JobStatus.State.class);
                case FAILED -> EnumSet.of(JobStatus.State.SUCCEEDED);
                case SUCCEEDED -> EnumSet.noneOf(JobStatus.State.class);
            };
            assertEquals(expected, allowed, from.name());
            assertEquals(from == JobStatus.State.SUCCEEDED || from == JobStatus.State.FAILED, from.finished());
        }
    }

    @Test
    void aJobsLifeRoundTripsThroughTheMapperWithWireNamesAndIsoTimes() throws Exception {
        JobStatus queued = JobStatus.accepted("inversion", "photo1", null, "alice", "sha256:ab", T0).queued("its turn", T0);
        JobStatus running = queued.running("a1", "worker-0", T0.plusSeconds(2))
                .progressed(0.25, "null-text", T0.plusSeconds(5));
        JobStatus done = running.succeeded("a1", T0.plusSeconds(12));
        for (JobStatus status : new JobStatus[] {queued, running, done}) {
            assertEquals(status, JobStatuses.read(JobStatuses.write(status)));
        }
        JsonNode json = new ObjectMapper().readTree(JobStatuses.write(running));
        assertEquals("running", json.get("state").asText());
        assertEquals("null-text", json.get("phase").asText());
        assertEquals("2026-12-07T10:00:02Z", json.get("startedAt").asText());
        assertEquals("2026-12-07T10:00:00Z", json.get("acceptedAt").asText());
        assertFalse(json.has("error"), "absent fields are omitted: " + json);
        assertFalse(json.has("inversionId"), json.toString());
        assertEquals(10.0, done.seconds(), "seconds since the engine started");
        assertEquals(1.0, done.progress());
        assertNull(done.phase(), "a finished job is in no phase");
        assertEquals("its turn", queued.waitingFor());
        assertNull(running.waitingFor());
    }

    @Test
    void aFailedStatusCarriesItsErrorAndOnlyAFailedOne() {
        JobStatus running = JobStatus.accepted("edit", "e1", "photo1", null, null, T0).running("a1", "w", T0);
        JobStatus failed = running.failed(new JobEvent.Error("ENGINE_ERROR", "the engine failed"), T0.plusSeconds(1));
        assertEquals(JobStatus.State.FAILED, failed.state());
        assertEquals("ENGINE_ERROR", JobStatuses.read(JobStatuses.write(failed)).error().code());
        assertThrows(IllegalArgumentException.class, () -> new JobStatus(1, "edit", "e1", null, null, null,
                JobStatus.State.FAILED, 0, null, null, null, null, T0, null, null, T0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new JobStatus(1, "edit", "e1", null, null, null,
                JobStatus.State.RUNNING, 0, null, null, null, null, T0, null, null, T0, null,
                new JobEvent.Error("X", "y")));
    }

    @Test
    void readsStatusesOfEarlierAndLaterWorkersAndRefusesWhatIsNone() {
        // as the worker wrote it before the record (an ObjectNode), plus a field a later worker may add
        String stored = "{\"schemaVersion\":1,\"kind\":\"inversion\",\"id\":\"photo1\",\"owner\":\"alice\","
                + "\"requestHash\":\"sha256:ab\",\"state\":\"failed\",\"progress\":0.0,\"acceptedAt\":\"2026-12-07T10:00:00Z\","
                + "\"finishedAt\":\"2026-12-07T10:00:03.250Z\",\"error\":{\"code\":\"NOT_AN_IMAGE\",\"message\":\"not an image\"},"
                + "\"updatedAt\":\"2026-12-07T10:00:03.250Z\",\"gpu\":\"H100\"}";
        JobStatus status = JobStatuses.read(stored.getBytes(StandardCharsets.UTF_8));
        assertEquals(JobStatus.State.FAILED, status.state());
        assertEquals("NOT_AN_IMAGE", status.error().code());
        assertEquals(Instant.parse("2026-12-07T10:00:03.250Z"), status.finishedAt());
        for (String none : new String[] {"not json", "{\"kind\":\"inversion\",\"id\":\"x\"}",
                "{\"kind\":\"inversion\",\"id\":\"x\",\"state\":\"paused\"}", "[]"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> JobStatuses.read(none.getBytes(StandardCharsets.UTF_8)), none);
            assertTrue(refused.getMessage().startsWith("not a job status"), refused.getMessage());
        }
    }
}
