package io.recaption.worker.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
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

    /** FleetIT once lost a worker at its start: two workers sweeping the same killed worker's folder at once. */
    @Test
    void twoWorkersSweepingTheSameFoldersAtOnceBothCarryOn() throws Exception {
        Instant old = Instant.now().minus(Duration.ofHours(5));
        for (int round = 0; round < 20; round++) {
            for (int f = 0; f < 4; f++) {
                Path stale = Files.createDirectory(work.resolve("recaption-killed-" + round + "-" + f + "-"));
                for (int d = 0; d < 5; d++) {
                    Path out = Files.createDirectories(stale.resolve("out" + d));
                    for (int i = 0; i < 40; i++) {
                        Files.write(out.resolve("frame-" + i + ".png"), new byte[16]);
                    }
                }
                Files.setLastModifiedTime(stale, FileTime.from(old));
            }
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<Integer> worker = () -> {
                start.await();
                return JobFiles.sweep(work, Instant.now().minus(Duration.ofHours(2)));
            };
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> a = two.submit(worker);
                Future<Integer> b = two.submit(worker);
                int removed = a.get() + b.get();
                assertTrue(removed >= 4, "each folder counted by at least one sweeper, got " + removed);
            } finally {
                two.shutdownNow();
            }
            try (Stream<Path> left = Files.list(work)) {
                assertEquals(0, left.count(), "round " + round + ": every stale folder gone");
            }
        }
    }

    private Path job(String name, Instant modified) throws Exception {
        Path folder = Files.createDirectory(work.resolve(name));
        Files.setLastModifiedTime(folder, FileTime.from(modified));
        return folder;
    }
}
