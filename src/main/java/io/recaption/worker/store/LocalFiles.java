package io.recaption.worker.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Local-file helpers of the S3 transfers: a bounded copy, a download's temporary sibling. */
public final class LocalFiles {

    private static final Logger LOG = Logger.getLogger(LocalFiles.class);

    private LocalFiles() {}

    /** Copies {@code in} to {@code target}; false (and stops) once more than {@code maxBytes} came. */
    static boolean copyAtMost(InputStream in, Path target, long maxBytes) throws IOException {
        try (in; OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    return false;
                }
                out.write(buffer, 0, n);
            }
            return true;
        }
    }

    static Path temporarySibling(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", file, e.getMessage());
        }
    }
}
