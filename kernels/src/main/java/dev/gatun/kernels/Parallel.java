package dev.gatun.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The worker threads CPU kernels split their work over.
 *
 * <p>One fixed pool of daemon threads, sized by {@code gatun.threads} (default: available
 * processors). The caller's thread runs one share itself, so a 2-core machine uses exactly
 * 2 threads. Segments handed to kernels must come from shared (not confined) arenas, since
 * workers touch them from other threads.
 */
public final class Parallel {
    /** How many threads a kernel may use, the caller's included. */
    public static final int THREADS = threads();

    private static final ThreadGroup WORKERS = new ThreadGroup("gatun-kernels");

    private static final ExecutorService POOL = THREADS > 1
            ? Executors.newFixedThreadPool(THREADS - 1, r -> {
                Thread t = new Thread(WORKERS, r, "gatun-kernel");
                t.setDaemon(true);
                return t;
            })
            : null;

    // True on a thread while it runs a share of forEach, the caller's thread included: a kernel
    // called from inside a task then runs inline instead of queueing behind the busy workers.
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** True while the current thread runs a share of a parallel loop (nested loops run inline). */
    public static boolean inTask() {
        return IN_TASK.get() || Thread.currentThread().getThreadGroup() == WORKERS;
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
        void run(long start, long end);
    }

    /**
     * Splits {@code [0, n)} into one contiguous piece per thread, each starting on a multiple of
     * 64 elements (whole cache lines, and whole vectors at every width), and runs them in
     * parallel. Below {@code minParallel} elements the split costs more than it saves, so the
     * caller's thread runs {@code body.run(0, n)} alone.
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
     * threads, and returns when all are done. Task {@code i} goes to thread {@code i % THREADS}
     * so a split into {@code THREADS} equal tasks is balanced. Exceptions are rethrown here.
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
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            final int first = w;
            futures.add(POOL.submit(() -> {
                for (int i = first; i < tasks; i += workers) {
                    body.accept(i);
                }
            }));
        }
        Throwable failure = null;
        IN_TASK.set(true);
        try {
            for (int i = 0; i < tasks; i += workers) {
                body.accept(i);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            IN_TASK.set(false);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
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
