package io.recaption.worker.ladder;

import io.recaption.worker.RecaptionConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import org.jboss.logging.Logger;

/** A job's private folder under {@code recaption.jobs.work-dir}, deleted with everything in it when closed. */
public final class JobFiles implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobFiles.class);
    /** Every job folder's name starts so ({@code recaption-{id}-{random}}). */
    static final String PREFIX = "recaption-";

    private final Path root;

    private JobFiles(Path root) {
        this.root = root;
    }

    static JobFiles create(RecaptionConfig config, String id) {
        try {
            Path base = base(config);
            Files.createDirectories(base);
            return new JobFiles(Files.createTempDirectory(base, PREFIX + id + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the job's work folder", e);
        }
    }

    /**
     * Removes the job folders a crashed worker left in {@code base}: folders named as {@link #create} names them
     * and last changed before {@code before}. Only folders older than a job may live ({@code before} is now less
     * twice the job deadline): another process sharing the folder may be running a job in a younger one. Returns
     * how many were removed.
     */
    public static int sweep(Path base, Instant before) {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        int swept = 0;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path folder : folders) {
                if (stale(folder, before)) {
                    new JobFiles(folder).close();
                    swept += Files.exists(folder, LinkOption.NOFOLLOW_LINKS) ? 0 : 1;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            LOG.warnf("could not sweep %s: %s", base, e.getMessage());
        }
        return swept;
    }

    /** A job folder last changed before {@code before}; one another sweeper removed meanwhile is not. */
    private static boolean stale(Path folder, Instant before) {
        try {
            return Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                    && Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;
        }
    }

    /** The work folder jobs of this configuration use. */
    public static Path base(RecaptionConfig config) {
        return config.jobs().workDir().map(Path::of).orElse(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** A sub-folder, created. */
    Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file(String name) {
        return root.resolve(name);
    }

    /**
     * Deletes the folder and everything in it. Another process may delete the same folder at the same time (two
     * workers sharing the work folder both sweeping a killed worker's folder as they start), so an entry that is
     * gone already is not an error: it is what was wanted.
     */
    @Override
    public void close() {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (!(e instanceof NoSuchFileException)) {
                        LOG.warnf("could not delete %s: %s", file, e.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        LOG.warnf("could not list %s: %s", dir, e.getMessage());
                    }
                    delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not clean %s: %s", root, e.getMessage());
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", path, e.getMessage());
        }
    }
}
