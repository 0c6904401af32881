package io.recaption.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** A job's private folder under {@code recaption.jobs.work-dir}, deleted with everything in it when closed. */
final class JobFiles implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobFiles.class);

    private final Path root;

    private JobFiles(Path root) {
        this.root = root;
    }

    static JobFiles create(RecaptionConfig config, String id) {
        try {
            Path base = config.jobs().workDir().map(Path::of).orElse(Path.of(System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            return new JobFiles(Files.createTempDirectory(base, "recaption-" + id + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the job's work folder", e);
        }
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

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warnf("could not delete %s: %s", path, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warnf("could not clean %s: %s", root, e.getMessage());
        }
    }
}
