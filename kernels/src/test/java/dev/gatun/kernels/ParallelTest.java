package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyTaskRunsOnce() {
        AtomicLongArray hits = new AtomicLongArray(37);
        Parallel.forEach(37, i -> hits.incrementAndGet(i));
        for (int i = 0; i < 37; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void rangesCoverExactlyOnceAndAreAligned() {
        for (long n : new long[] {0, 1, 63, 64, 65, 1000, 70_001}) {
            AtomicLong sum = new AtomicLong();
            AtomicLong pieces = new AtomicLong();
            Parallel.forRange(n, 64, (start, end) -> {
                assertEquals(0, start % 64, "piece starts on a 64-element boundary");
                sum.addAndGet(end - start);
                pieces.incrementAndGet();
            });
            assertEquals(n, sum.get(), "n=" + n);
        }
    }

    @Test
    void nestedCallsDoNotDeadlock() {
        AtomicLong inner = new AtomicLong();
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> Parallel.forEach(4, i -> Parallel.forEach(5, j -> inner.incrementAndGet())));
        assertEquals(20, inner.get());
    }

    @Test
    void nestedCallsRunOnTheThreadOfTheirTask() {
        // Every task's inner loop must stay on the task's thread, the caller's share included:
        // forking again from there would queue behind the workers' own tasks.
        java.util.concurrent.ConcurrentHashMap<Integer, Thread> outer = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean moved = new java.util.concurrent.atomic.AtomicBoolean();
        Parallel.forEach(Parallel.THREADS, i -> {
            outer.put(i, Thread.currentThread());
            assertEquals(true, Parallel.inTask() || Parallel.THREADS == 1);
            Parallel.forEach(8, j -> {
                if (Thread.currentThread() != outer.get(i)) {
                    moved.set(true);
                }
            });
        });
        assertEquals(false, moved.get());
        assertEquals(false, Parallel.inTask(), "the flag is cleared after the loop");
    }

    @Test
    void exceptionsReachTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(4, i -> {
            if (i == 3) {
                throw new IllegalStateException("task 3 failed");
            }
        }));
        assertEquals("task 3 failed", e.getMessage());
    }

    @Test
    void aBusyThreadLeavesTheRestToTheOthers() {
        // Task 0 holds its thread until every other task has finished. With fixed shares (task i
        // on thread i % THREADS) its thread would also own tasks 2, 4, 6 and this would never
        // end; with claiming, the other threads take them all.
        org.junit.jupiter.api.Assumptions.assumeTrue(Parallel.THREADS > 1, "needs 2 threads");
        int tasks = 8;
        java.util.concurrent.CountDownLatch others = new java.util.concurrent.CountDownLatch(tasks - 1);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Parallel.forEach(tasks, i -> {
            if (i == 0) {
                try {
                    assertEquals(true, others.await(10, java.util.concurrent.TimeUnit.SECONDS),
                            "tasks 1.." + (tasks - 1) + " were left waiting for task 0's thread");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                others.countDown();
            }
        }));
    }

    @Test
    void concurrentCallersEachGetAllTheirTasksDone() throws Exception {
        // Callers on several threads post into the workers' one slot, replacing each other's
        // jobs: each must still see every one of its own tasks run once, with the results visible.
        int callers = 4, rounds = 300, tasks = 7;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            java.util.List<java.util.concurrent.Future<Long>> sums = new java.util.ArrayList<>();
            for (int c = 0; c < callers; c++) {
                final int caller = c;
                sums.add(pool.submit(() -> {
                    long total = 0;
                    for (int r = 0; r < rounds; r++) {
                        long[] out = new long[tasks];
                        Parallel.forEach(tasks, i -> out[i] = 1000L * caller + i);
                        for (long v : out) {
                            total += v;
                        }
                    }
                    return total;
                }));
            }
            for (int c = 0; c < callers; c++) {
                long expected = (long) rounds * (tasks * 1000L * c + (long) tasks * (tasks - 1) / 2);
                assertEquals(expected, sums.get(c).get(30, java.util.concurrent.TimeUnit.SECONDS), "caller " + c);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailureSkipsTheRemainingTasksAndTheNextLoopStillRuns() {
        AtomicLong ran = new AtomicLong();
        assertThrows(IllegalArgumentException.class, () -> Parallel.forEach(1000, i -> {
            ran.incrementAndGet();
            if (i == 0) {
                throw new IllegalArgumentException("first");
            }
            try {
                Thread.sleep(1); // long enough that the failure lands before the others are all run
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertEquals(true, ran.get() < 1000, "after the failure the remaining tasks are skipped: ran " + ran.get());
        AtomicLongArray hits = new AtomicLongArray(50);
        Parallel.forEach(50, i -> hits.incrementAndGet(i));
        for (int i = 0; i < 50; i++) {
            assertEquals(1, hits.get(i));
        }
    }
}
