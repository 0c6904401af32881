package io.recaption.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory as Linux reports it (VmRSS, VmHWM in /proc/self/status). */
final class ProcessMemory {

    private ProcessMemory() {}

    static long residentMegabytes() {
        return field("VmRSS:");
    }

    static long peakResidentMegabytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
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
