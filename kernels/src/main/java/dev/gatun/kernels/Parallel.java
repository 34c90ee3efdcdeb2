package dev.gatun.kernels;

import java.util.function.IntConsumer;

/**
 * The worker threads CPU kernels split their work over.
 *
 * <p>{@code gatun.threads} threads in all (default: available processors): the caller's and
 * {@link KernelWorkers}' daemon threads, so a 2-core machine uses exactly 2 threads. Segments
 * handed to kernels must come from shared (not confined) arenas, since workers touch them from
 * other threads.
 */
public final class Parallel {
    /** How many threads a kernel may use, the caller's included. */
    public static final int THREADS = threads();

    private static final KernelWorkers POOL = THREADS > 1 ? new KernelWorkers(THREADS - 1) : null;

    // True on a thread while it runs a share of forEach, the caller's thread included: a kernel
    // called from inside a task then runs inline instead of queueing behind the busy workers.
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /**
     * {@return whether the current thread runs a share of a parallel loop (nested loops then run
     * inline)}
     */
    public static boolean inTask() {
        return IN_TASK.get() || KernelWorkers.isWorker(Thread.currentThread());
    }

    /**
     * Runs {@code work} on the calling thread with every kernel inside it inline, off the workers:
     * for work beside a training (the JIT warm-up) that must not take the workers from it.
     *
     * @param work what to run
     */
    public static void inline(Runnable work) {
        boolean was = IN_TASK.get();
        IN_TASK.set(true);
        try {
            work.run();
        } finally {
            IN_TASK.set(was);
        }
    }

    private static int threads() {
        String asked = System.getProperty("gatun.threads", "");
        int n = asked.isBlank() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(asked.trim());
        if (n < 1) {
            throw new IllegalArgumentException("gatun.threads must be >= 1, got " + n);
        }
        return n;
    }

    /** One contiguous piece {@code [start, end)} of an element range. */
    @FunctionalInterface
    public interface Range {
        /**
         * Runs the piece {@code [start, end)}.
         *
         * @param start the first index of the piece
         * @param end one past the last index of the piece
         */
        void run(long start, long end);
    }

    /**
     * Splits {@code [0, n)} into one contiguous piece per thread, each starting on a multiple of
     * 64 elements (whole cache lines, and whole vectors at every width), and runs them in
     * parallel. Below {@code minParallel} elements the split costs more than it saves, so the
     * caller's thread runs {@code body.run(0, n)} alone.
     *
     * @param n the length of the range {@code [0, n)}
     * @param minParallel the smallest n worth splitting over threads
     * @param body the work for one piece
     */
    public static void forRange(long n, long minParallel, Range body) {
        if (n < minParallel || THREADS == 1) {
            body.run(0, n);
            return;
        }
        long perThread = (n + THREADS - 1) / THREADS;
        long chunk = (perThread + 63) & -64L;
        forEach(THREADS, t -> {
            long start = Math.min(n, t * chunk);
            long end = Math.min(n, start + chunk);
            if (start < end) {
                body.run(start, end);
            }
        });
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, tasks)}, spread over the
     * threads, and returns when all are done. Exceptions are rethrown here (the first one; later
     * tasks are then skipped).
     *
     * <p>Threads claim tasks one at a time from a shared counter rather than taking a fixed
     * share. On a shared machine a core is now and then taken away for milliseconds, or a worker
     * wakes late: with fixed shares every op would wait for the slow thread's whole half, while
     * claiming lets the other thread take what is left. Kernels that split into more tasks than
     * threads (conv images, for one) balance within the op. The caller waits only for tasks that
     * were claimed, not for a worker that has not started: one that starts late finds nothing
     * left and returns.
     *
     * @param tasks the number of tasks
     * @param body the work for task {@code i}
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        int workers = Math.min(THREADS, tasks);
        // A worker that waited on the pool it belongs to could wait forever (a kernel called from
        // inside another kernel's task), and the caller's own share would queue behind the busy
        // workers, so nested calls run on the calling thread.
        if (workers == 1 || POOL == null || inTask()) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        TaskClaims claims = new TaskClaims(tasks, body, Thread.currentThread());
        POOL.post(claims, workers - 1);
        IN_TASK.set(true);
        try {
            claims.work();
        } finally {
            IN_TASK.set(false);
        }
        claims.awaitAll();
        POOL.retract(claims);
        Throwable failure = claims.failure();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
