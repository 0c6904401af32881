package io.recaption.model.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory as Linux reports it (VmRSS, VmHWM in {@code /proc/self/status}), and the
 * high-water mark reset so that the peak of one stretch of work can be read: writing 5 to
 * {@code /proc/self/clear_refs} sets VmHWM to the current resident set (proc(5), Linux 4.0 and later).
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** The resident set now, in MiB, or −1 where Linux could not say. */
    public static long residentMegabytes() {
        return field("VmRSS:");
    }

    /** The peak resident set since the process started or since the last {@link #resetPeak}, in MiB, or −1. */
    public static long peakResidentMegabytes() {
        return field("VmHWM:");
    }

    /** Starts a stretch whose own peak {@link #peakResidentMegabytes} then reads; whether the reset was possible. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
