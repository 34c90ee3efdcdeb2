package dev.gatun.train.console;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Progress of one pass over a data set, e.g. an epoch.
 *
 * <p>On a terminal ({@code interactive}) it redraws a single line with {@code \r}: label, bar,
 * count/total, samples/s, ETA and the caller's stats, at most ~10 times a second. Anywhere else
 * (logs, CI, pipes) it never writes {@code \r}: one plain line each time another 10% is done
 * and a summary line on {@link #close()}.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int PLAIN_STEPS = 10;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier clock;
    private final long start;

    private long done;
    private String stats = "";
    private long lastDraw = Long.MIN_VALUE;
    private int lastLineLength;
    private int plainStepsPrinted;
    private boolean closed;

    /**
     * A progress bar reading the system clock.
     *
     * @param label the text before the bar
     * @param total items expected (e.g. samples in the epoch); 0 or less if unknown
     * @param out where the bar is printed
     * @param interactive redraw in place; use {@link #isTerminal()} to decide
     */
    public ProgressBar(String label, long total, PrintStream out, boolean interactive) {
        this(label, total, out, interactive, System::nanoTime);
    }

    /**
     * As above with the clock (nanoseconds) supplied, so tests can fake time.
     *
     * @param label the text before the bar
     * @param total the items expected; 0 or less if unknown
     * @param out where the bar is printed
     * @param interactive whether to redraw in place
     * @param nanoClock the clock, in nanoseconds
     */
    public ProgressBar(String label, long total, PrintStream out, boolean interactive, LongSupplier nanoClock) {
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.start = clock.getAsLong();
    }

    /**
     * {@return whether standard output is an interactive terminal (so {@code \r} redraws make sense)}
     */
    public static boolean isTerminal() {
        Console console = System.console();
        // Since JDK 22 System.console() is non-null even when redirected; isTerminal() tells.
        return console != null && console.isTerminal();
    }

    /**
     * Records {@code n} more items done and the latest stats (e.g. {@code "loss 0.4312"},
     * may be null or empty).
     *
     * @param n the items done since the last call
     * @param stats the latest stats, e.g. {@code "loss 0.4312"}; may be null or empty
     */
    public void step(long n, String stats) {
        if (closed) {
            throw new IllegalStateException("progress bar '" + label + "' is closed");
        }
        if (n < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + n);
        }
        done += n;
        this.stats = stats == null ? "" : stats;
        long now = clock.getAsLong();
        if (interactive) {
            // The first step always draws, so something shows up at once.
            if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
                redraw(now);
            }
        } else if (total > 0) {
            int steps = (int) Math.min(PLAIN_STEPS, done * PLAIN_STEPS / total);
            // Only the latest 10% mark is printed when one step jumps over several.
            if (steps > plainStepsPrinted && steps < PLAIN_STEPS) {
                plainStepsPrinted = steps;
                out.println(plainLine(now));
                out.flush();
            }
        }
    }

    /** {@return the items done so far} */
    public long done() {
        return done;
    }

    /** Prints the final state: the last redraw and a newline, or a summary line. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long now = clock.getAsLong();
        if (interactive) {
            redraw(now);
            out.println();
        } else {
            out.println(summaryLine(now));
        }
        out.flush();
    }

    private void redraw(long now) {
        lastDraw = now;
        String line = interactiveLine(now);
        // Pad over leftovers of a longer previous line, since \r does not erase.
        int pad = Math.max(0, lastLineLength - line.length());
        lastLineLength = line.length();
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
    }

    private String interactiveLine(long now) {
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
            sb.append('[').append("=".repeat(filled));
            if (filled < BAR_WIDTH) {
                sb.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
            }
            sb.append("] ").append(done).append('/').append(total);
        } else {
            sb.append(done);
        }
        double rate = rate(now);
        sb.append("  ").append(formatRate(rate));
        if (closed) {
            sb.append("  ").append(formatDuration(seconds(now)));
        } else if (total > 0) {
            sb.append("  ETA ").append(rate > 0 && done <= total
                    ? formatDuration((total - done) / rate) : "--:--");
        }
        appendStats(sb);
        return sb.toString();
    }

    private String plainLine(long now) {
        StringBuilder sb = new StringBuilder(label).append(' ')
                .append(String.format(Locale.ROOT, "%3d%%", done * 100 / total))
                .append(' ').append(done).append('/').append(total)
                .append("  ").append(formatRate(rate(now)));
        appendStats(sb);
        return sb.toString();
    }

    private String summaryLine(long now) {
        StringBuilder sb = new StringBuilder(label).append(" done ").append(done);
        if (total > 0) {
            sb.append('/').append(total);
        }
        sb.append(" in ").append(formatDuration(seconds(now)))
                .append(" (").append(formatRate(rate(now))).append(')');
        appendStats(sb);
        return sb.toString();
    }

    private void appendStats(StringBuilder sb) {
        if (!stats.isEmpty()) {
            sb.append("  ").append(stats);
        }
    }

    private double seconds(long now) {
        return (now - start) / 1e9;
    }

    private double rate(long now) {
        double s = seconds(now);
        return s > 0 ? done / s : 0;
    }

    private static String formatRate(double perSecond) {
        return perSecond > 0 ? String.format(Locale.ROOT, "%.0f/s", perSecond) : "-/s";
    }

    /** m:ss below an hour, h:mm:ss above; sub-minute runs also get tenths, e.g. 7.3s. */
    static String formatDuration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "--:--";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = s / 60 % 60;
        long sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
