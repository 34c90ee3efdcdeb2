package dev.gatun.distributed;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Ends this process when one collective waits longer than a limit, so a rank that hangs (or never
 * arrives) stops the job instead of leaving the others waiting forever: the process exits with
 * status 3, and mpirun then stops every other rank. A daemon thread checks once a second.
 */
final class CollectiveWatchdog implements AutoCloseable {
    /** The environment variable that overrides the default limit, in seconds. */
    static final String TIMEOUT_ENV = "GATUN_COLLECTIVE_TIMEOUT_S";
    /** The default limit: long enough for rank 0 to write a checkpoint and a report between steps. */
    static final int DEFAULT_TIMEOUT_S = 600;

    private final String who;
    private final long limitNanos;
    private final PrintStream err;
    private final IntConsumer exit;
    private final Thread thread;
    private volatile String current;
    private volatile long since;
    private volatile boolean closed;

    /**
     * @param who the rank, for the message
     * @param limitSeconds how long one collective may wait
     * @param err where the message goes
     * @param exit ends the process with a status ({@code Runtime.getRuntime()::halt})
     */
    CollectiveWatchdog(String who, int limitSeconds, PrintStream err, IntConsumer exit) {
        if (limitSeconds < 1) {
            throw new IllegalArgumentException(TIMEOUT_ENV + " must be at least 1 second, got " + limitSeconds);
        }
        this.who = who;
        this.limitNanos = limitSeconds * 1_000_000_000L;
        this.err = err;
        this.exit = exit;
        this.thread = Thread.ofPlatform().daemon().name("gatun-collective-watchdog").start(this::watch);
    }

    /** The limit from {@value #TIMEOUT_ENV}, else {@value #DEFAULT_TIMEOUT_S} seconds. */
    static int limitSeconds(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_TIMEOUT_S;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TIMEOUT_ENV + " must be a number of seconds, got '" + value + "'", e);
        }
    }

    /** Marks the start of a collective. */
    void enter(String collective) {
        since = System.nanoTime();
        current = collective;
    }

    /** Marks its end. */
    void leave() {
        current = null;
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            String c = current;
            if (c != null && System.nanoTime() - since > limitNanos) {
                err.printf(Locale.ROOT, "gatun: %s waited more than %d s in %s for the other ranks (a rank hangs or "
                        + "died; limit %s); stopping the job%n", who, limitNanos / 1_000_000_000L, c, TIMEOUT_ENV);
                err.flush();
                exit.accept(3);
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
