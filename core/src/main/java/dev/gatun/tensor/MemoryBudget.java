package dev.gatun.tensor;

import dev.gatun.device.DeviceRuntimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The most memory Gatun may hold, checked before anything is allocated. Tensor memory is off-heap,
 * so {@code -Xmx} does not bound it: a size read from a file or a config is checked here first, and
 * so is every host allocation, so that a wrong size ends in a {@link MemoryBudgetException} naming
 * the size and the budget instead of the kernel's out-of-memory killer.
 *
 * <p>The budget is {@code -Dgatun.maxMemory} (bytes, or with a unit: {@code 512m}, {@code 8g},
 * {@code 1.5GiB}), or {@link #setLimit} (the CLI's {@code --max-memory}); by default half of the
 * machine's physical memory, or of the container's limit where that is lower. Host tensor memory
 * counts against it as it is allocated ({@link Scope#liveBytes()}, plus the host blocks cached for
 * reuse), and a model's estimated needs are checked against it before the model is built.
 *
 * <p>Each device has a budget of its own, checked by its allocator: {@code -Dgatun.maxDeviceMemory}
 * or {@link #setDeviceLimit}, by default {@link #DEVICE_FRACTION} of the device's memory.
 */
public final class MemoryBudget {
    /** The system property that sets the budget. */
    public static final String PROPERTY = "gatun.maxMemory";
    /** The system property that sets the budget of each device. */
    public static final String DEVICE_PROPERTY = "gatun.maxDeviceMemory";
    /**
     * The default device budget as a fraction of the device's memory: the rest is left to the
     * driver's context and the cuBLAS and cuDNN workspaces, which do not go through the allocator.
     */
    public static final double DEVICE_FRACTION = 0.9;

    // A malformed property is reported where the budget is first read, not as a class initialization error.
    private static volatile String invalid;
    // -1 while the property is malformed.
    private static volatile long limit = initialLimit();
    // 0: DEVICE_FRACTION of each device's memory; -1 while the property is malformed.
    private static volatile long deviceLimit = initialDeviceLimit();

    private MemoryBudget() {}

    /**
     * The budget in bytes.
     *
     * @return the budget, in bytes, positive
     * @throws IllegalArgumentException when {@code -Dgatun.maxMemory} is not a size and no budget was set since
     */
    public static long limit() {
        long l = limit;
        if (l < 0) {
            throw new IllegalArgumentException(invalid);
        }
        return l;
    }

    /**
     * Sets the budget for the rest of the process.
     *
     * @param bytes the new budget, positive
     */
    public static void setLimit(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("the memory budget must be positive, got " + bytes + " bytes");
        }
        limit = bytes;
    }

    /**
     * The budget of a device with {@code deviceBytes} bytes of memory: the one set with {@link
     * #setDeviceLimit} or {@code -Dgatun.maxDeviceMemory}, else {@link #DEVICE_FRACTION} of it.
     *
     * @param deviceBytes the device's total memory, in bytes
     * @return the device's budget, in bytes
     * @throws IllegalArgumentException when {@code -Dgatun.maxDeviceMemory} is not a size and no device budget was
     *     set since
     */
    public static long deviceLimit(long deviceBytes) {
        long set = deviceLimit;
        if (set < 0) {
            throw new IllegalArgumentException(invalid);
        }
        return set > 0 ? set : (long) (deviceBytes * DEVICE_FRACTION);
    }

    /**
     * Sets the budget of every device for the rest of the process; 0 restores the default fraction.
     *
     * @param bytes the new budget of each device, in bytes; 0 for {@link #DEVICE_FRACTION} of its memory
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public static void setDeviceLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the device memory budget must be positive, got " + bytes + " bytes");
        }
        deviceLimit = bytes;
    }

    /**
     * Refuses {@code bytes} that {@code what} needs on {@code device}: against {@link #limit()} on
     * the host, else against the device's budget (opening its runtime).
     *
     * @param device where the memory would be allocated
     * @param what what needs the memory, for the message
     * @param bytes the bytes needed; negative means the size overflowed and is refused too
     * @throws MemoryBudgetException naming {@code what}, the size and the budget
     */
    public static void require(Device device, String what, long bytes) {
        if (device.isHost()) {
            require(what, bytes);
            return;
        }
        long l = DeviceRuntimes.of(device).memoryLimit();
        if (bytes < 0 || bytes > l) {
            throw new MemoryBudgetException(what, bytes, 0, l, device + "'s memory budget", "-D" + DEVICE_PROPERTY);
        }
    }

    /**
     * Refuses {@code bytes} (what {@code what} needs in all) when it exceeds the budget.
     *
     * @param what what needs the memory, for the message (e.g. "the model of config.yaml")
     * @param bytes the bytes needed; negative means the size overflowed and is refused too
     * @throws MemoryBudgetException naming {@code what}, the size and the budget
     */
    public static void require(String what, long bytes) {
        long l = limit();
        if (bytes < 0 || bytes > l) {
            throw new MemoryBudgetException(what, bytes, l);
        }
    }

    /**
     * The product of non-negative sizes times {@code bytesEach}, for sizes read from files, whose
     * product must not wrap around before {@link #require} sees it.
     *
     * @param bytesEach the bytes of one element
     * @param sizes the dimensions or counts
     * @return the bytes, or -1 when a size is negative or the product overflows a long
     */
    public static long bytes(long bytesEach, long... sizes) {
        long total = bytesEach;
        for (long s : sizes) {
            if (s < 0) {
                return -1;
            }
            try {
                total = Math.multiplyExact(total, s);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return total;
    }

    /**
     * A size for messages: "1.50 GiB (1610612736 bytes)".
     *
     * @param bytes the size; negative means more than a long holds
     * @return the text
     */
    public static String format(long bytes) {
        if (bytes < 0) {
            return "more than " + Long.MAX_VALUE + " bytes";
        }
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.2f %s (%d bytes)", v, units[u], bytes);
    }

    /**
     * Parses a size: a whole number of bytes, or a number with a unit k, m, g, t (powers of 1024;
     * {@code KiB}, {@code MB}, {@code G} and the like are accepted too).
     *
     * @param text the size as written
     * @param where where it was written (an option, a field), for the message
     * @return the bytes
     * @throws IllegalArgumentException naming {@code where} and the text
     */
    public static long parse(String text, String where) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        String unit = t.substring(i).trim();
        long scale = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            default -> -1L;
        };
        double number;
        try {
            number = i == 0 ? Double.NaN : Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            number = Double.NaN;
        }
        double bytes = number * scale;
        if (scale < 0 || !(bytes >= 1) || bytes >= 0x1p63) {
            throw new IllegalArgumentException(where + ": '" + text + "' is not a memory size (e.g. 512m, 8g, 1.5GiB"
                    + " or a number of bytes)");
        }
        return (long) bytes;
    }

    private static long initialLimit() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            return parsed(set, PROPERTY);
        }
        long physical = physicalMemory();
        return physical > 0 ? physical / 2 : 8L << 30;
    }

    private static long initialDeviceLimit() {
        String set = System.getProperty(DEVICE_PROPERTY);
        return set == null || set.isBlank() ? 0 : parsed(set, DEVICE_PROPERTY);
    }

    /** The property's size, or -1 with the problem kept for {@link #limit()} to report. */
    private static long parsed(String text, String property) {
        try {
            return parse(text, "-D" + property);
        } catch (IllegalArgumentException e) {
            invalid = e.getMessage();
            return -1;
        }
    }

    /** MemTotal from /proc/meminfo, lowered to a cgroup (v2 or v1) limit; 0 where neither is readable. */
    private static long physicalMemory() {
        long total = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    total = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            total = 0;
        }
        for (String cgroup : new String[] {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
            try {
                String v = Files.readString(Path.of(cgroup)).trim();
                if (!v.equals("max")) {
                    long l = Long.parseLong(v);
                    if (l > 0 && (total == 0 || l < total)) {
                        total = l;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not in a cgroup with a limit: MemTotal stands
            }
        }
        return total;
    }
}
