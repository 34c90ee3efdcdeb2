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
}
