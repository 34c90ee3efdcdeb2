package dev.gatun.tracking;

import dev.gatun.kernels.Simd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a run trained on.
 *
 * @param cpu the CPU model (from {@code /proc/cpuinfo}, else the architecture)
 * @param cores the cores this JVM sees
 * @param simd the SIMD width the kernels use, e.g. {@code SIMD 256-bit (8 floats)}
 * @param os the operating system, its version and architecture
 * @param host the host name, or {@code unknown}
 */
public record MachineFacts(String cpu, int cores, String simd, String os, String host) {
    /** {@return this machine, now} */
    public static MachineFacts probe() {
        return new MachineFacts(cpuModel(), Runtime.getRuntime().availableProcessors(), simdWidth(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"), hostName());
    }

    /** {@return the facts in one line, for tables} */
    public String summary() {
        return String.format(Locale.ROOT, "%s, %d cores, %s, %s", cpu, cores, simd, os);
    }

    private static String simdWidth() {
        try {
            return Simd.describe();
        } catch (RuntimeException | LinkageError e) {
            // The vector module may be absent (a jlinked runtime without it): no SIMD, then.
            return "off";
        }
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no access: the architecture is the best we can say.
        }
        return System.getProperty("os.arch");
    }
}
