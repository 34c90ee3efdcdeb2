package dev.gatun.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * Counts of one tensor's values in equal-width bins between {@code min} and {@code max}, as
 * numpy's {@code histogram} bins them: bin i holds [edge i, edge i+1), the last bin also holds
 * {@code max}. Non-finite values are not counted.
 *
 * @param name the parameter's dotted name, e.g. {@code 0.weight}
 * @param kind {@code "weight"} or {@code "grad"}
 * @param min the lower edge of the first bin
 * @param max the upper edge of the last bin
 * @param counts the count of each bin
 */
public record Histogram(String name, String kind, double min, double max, long[] counts) {
    public static final String WEIGHT = "weight";
    public static final String GRAD = "grad";

    /** Checks the name, the kind and that there is at least one bin; copies the counts. */
    public Histogram {
        Objects.requireNonNull(name, "name");
        if (!WEIGHT.equals(kind) && !GRAD.equals(kind)) {
            throw new IllegalArgumentException("histogram kind must be \"weight\" or \"grad\", got \"" + kind + "\"");
        }
        if (counts.length < 1) {
            throw new IllegalArgumentException("histogram of " + name + " needs at least one bin");
        }
        if (!(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("histogram of " + name + ": range [" + min + ", " + max
                    + "] must be finite with min <= max");
        }
        counts = counts.clone();
    }

    /**
     * The histogram of {@code values} in {@code bins} bins spanning their finite minimum and
     * maximum; when those are equal the range is widened by 0.5 either side (as numpy does), and
     * with no finite value at all it is [0, 1] with every count 0.
     *
     * @param name the parameter's dotted name
     * @param kind {@code "weight"} or {@code "grad"}
     * @param values the values counted; non-finite ones are skipped
     * @param bins the number of bins, > 0
     * @return the histogram
     */
    public static Histogram of(String name, String kind, double[] values, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            return new Histogram(name, kind, 0, 1, new long[bins]);
        }
        if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        long[] counts = new long[bins];
        double width = hi - lo;
        for (double v : values) {
            if (Double.isFinite(v)) {
                int bin = (int) ((v - lo) / width * bins);
                counts[Math.min(Math.max(bin, 0), bins - 1)]++;
            }
        }
        return new Histogram(name, kind, lo, hi, counts);
    }

    /** {@return the count of each bin (a copy)} */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** {@return the centre of each bin, for plotting} */
    public double[] binCentres() {
        double[] c = new double[counts.length];
        double width = (max - min) / counts.length;
        for (int i = 0; i < c.length; i++) {
            c[i] = min + (i + 0.5) * width;
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && name.equals(h.name) && kind.equals(h.kind)
                && Double.compare(min, h.min) == 0 && Double.compare(max, h.max) == 0 && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, min, max, Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
        return "Histogram[" + name + " " + kind + " [" + min + ", " + max + "] " + Arrays.toString(counts) + "]";
    }
}
