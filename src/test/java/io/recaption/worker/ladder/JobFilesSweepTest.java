package io.recaption.worker.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's start removes the job folders a killed worker left behind, and nothing else. */
@Tag("unit")
class JobFilesSweepTest {

    @TempDir
    Path work;

    @Test
    void foldersOlderThanAJobCanLiveAreRemovedYoungerOnesAndOtherFilesKept() throws Exception {
        Instant now = Instant.now();
        Path stale = Files.createDirectory(work.resolve("recaption-killed-1a2b-"));
        Files.write(Files.createDirectories(stale.resolve("out")).resolve("latents.safetensors"), new byte[1024]);
        Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofHours(5))));
        Path running = job("recaption-running-3c4d-", now.minus(Duration.ofMinutes(5)));
        Path foreign = job("someone-else-", now.minus(Duration.ofDays(3)));
        Path upload = Files.createFile(work.resolve("recaption-upload-1.img"));
        Files.setLastModifiedTime(upload, FileTime.from(now.minus(Duration.ofDays(3))));

        assertEquals(1, JobFiles.sweep(work, now.minus(Duration.ofHours(2))));
        assertFalse(Files.exists(stale), "the killed job's folder, with its files");
        assertTrue(Files.isDirectory(running), "a job that may still run (another process sharing the folder)");
        assertTrue(Files.isDirectory(foreign), "not a job folder");
        assertTrue(Files.isRegularFile(upload), "not a folder");
        assertEquals(0, JobFiles.sweep(work.resolve("missing"), now), "no work folder yet: nothing to do");
    }

    private Path job(String name, Instant modified) throws Exception {
        Path folder = Files.createDirectory(work.resolve(name));
        Files.setLastModifiedTime(folder, FileTime.from(modified));
        return folder;
    }
}
