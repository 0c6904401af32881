package io.recaption.lab.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident set over one stretch of work: Linux's high-water mark (VmHWM in
 * {@code /proc/self/status}) reset to the current resident set by writing 5 to {@code /proc/self/clear_refs}
 * (proc(5), Linux 4.0 and later). Where that cannot be written the peak is the process's since it started.
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {}

    /** Starts a stretch: the peak from here on is measured; whether the reset was possible. */
    static boolean reset() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The peak resident set since the last {@link #reset} in MiB, or −1 where Linux could not say. */
    static long peakMegabytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
