package dev.gatun.tensor;

import java.util.Locale;

/**
 * Where a tensor's memory lives: the host ({@link #CPU}), a CUDA device, or the fake device.
 *
 * <p>The fake device keeps its memory on the host but treats it as device memory: host code may
 * not touch it ({@link Tensor#segment()} throws), transfers go through {@link Tensor#to(Device)},
 * and its backend checks that every operand is on it. It tests the device plumbing (moving models
 * and batches, output placement, mixed-device errors) on machines without a GPU.
 *
 * @param kind what kind of memory
 * @param index the device number within its kind (0 for the host)
 */
public record Device(Kind kind, int index) {
    /** The kinds of memory a tensor can live in. */
    public enum Kind {
        /** Host memory. */
        CPU,
        /** A CUDA device's memory. */
        CUDA,
        /** Host memory treated as device memory, for tests without a GPU. */
        FAKE
    }

    /** Host memory: what every tensor gets unless placed elsewhere. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    /** Checks the kind and the index: only CUDA has devices past 0. */
    public Device {
        if (kind == null) {
            throw new IllegalArgumentException("device kind is null");
        }
        if (index < 0 || (kind != Kind.CUDA && index != 0)) {
            throw new IllegalArgumentException("bad device index " + index + " for " + kind
                    + (kind == Kind.CUDA ? "" : ": there is only " + kind.name().toLowerCase(Locale.ROOT) + ":0"));
        }
    }

    /**
     * CUDA device {@code index}.
     *
     * @param index the CUDA device number, 0-based
     * @return the device
     */
    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** {@return the fake device (see the class comment)} */
    public static Device fake() {
        return new Device(Kind.FAKE, 0);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N}, {@code fake}.
     *
     * @param text the device's name
     * @return the device
     */
    public static Device parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        int index = 0;
        if (colon >= 0) {
            try {
                index = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device '" + text + "': the index after ':' must be a number");
            }
        }
        return switch (kind) {
            case "cpu" -> index == 0 ? CPU : new Device(Kind.CPU, index);
            case "cuda" -> cuda(index);
            case "fake" -> new Device(Kind.FAKE, index);
            default -> throw new IllegalArgumentException("bad device '" + text + "': expected cpu, cuda, cuda:N or fake");
        };
    }

    /**
     * {@return whether this is host memory, which host code (and the CPU backends) may read and write}
     */
    public boolean isHost() {
        return kind == Kind.CPU;
    }

    /** {@code cpu}, {@code cuda:0}, {@code fake:0}. */
    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : kind.name().toLowerCase(Locale.ROOT) + ":" + index;
    }
}
