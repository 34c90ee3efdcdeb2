package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.Parallel;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The rebalanced row blocks of a recurrence: whatever the timing, every row goes through every
 * step exactly once and in order (backwards for backward), and a slow block's rows are taken
 * over by an idle thread in whole granules.
 */
class BalancedRowBlocksTest {
    @Test
    void aSlowBlocksRowsAreSharedAndEveryRowSeesEveryStepInOrder() {
        int steps = 28;
        int batch = 64;
        for (boolean backward : new boolean[] {false, true}) {
            Visits v = new Visits(batch, steps, backward);
            BalancedRowBlocks.run(steps, batch, backward, (k, r0, r1) -> {
                v.visit(k, r0, r1);
                if (r0 < 32) {
                    LockSupport.parkNanos(2_000_000);
                }
            }, 32, 2, 8);
            v.assertComplete();
            if (Parallel.THREADS > 1) {
                assertTrue(v.ranges.stream().anyMatch(r -> r.get(0) > 0 && r.get(0) < 32),
                        "the slow block's rows were never split: " + v.describe());
            }
            v.ranges.forEach(r -> assertTrue(r.get(0) % 8 == 0 && (r.get(1) % 8 == 0 || r.get(1) == batch),
                    "a split off the granule: " + v.describe()));
        }
    }

    @Test
    void randomDelaysAndMoreBlocksThanThreadsLoseNoStep() {
        SplittableRandom seeds = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            int steps = 1 + seeds.nextInt(12);
            int batch = 1 + seeds.nextInt(100);
            int granule = 1 + seeds.nextInt(8);
            int tasks = 1 + seeds.nextInt(5);
            int rowsPerBlock = Math.ceilDiv(batch, tasks);
            int blocks = Math.ceilDiv(batch, rowsPerBlock);
            boolean backward = seeds.nextBoolean();
            long seed = seeds.nextLong();
            Visits v = new Visits(batch, steps, backward);
            BalancedRowBlocks.run(steps, batch, backward, (k, r0, r1) -> {
                v.visit(k, r0, r1);
                long delay = new SplittableRandom(seed ^ (31L * k + r0)).nextInt(300);
                LockSupport.parkNanos(delay * 1000);
            }, rowsPerBlock, blocks, granule);
            v.assertComplete();
        }
    }

    /** Which steps each row has seen, checking the order as they come. */
    private static final class Visits {
        final int batch;
        final int steps;
        final boolean backward;
        final AtomicIntegerArray seen;
        final AtomicIntegerArray errors = new AtomicIntegerArray(1);
        final Set<List<Integer>> ranges = ConcurrentHashMap.newKeySet();

        Visits(int batch, int steps, boolean backward) {
            this.batch = batch;
            this.steps = steps;
            this.backward = backward;
            this.seen = new AtomicIntegerArray(batch);
        }

        void visit(int k, int r0, int r1) {
            ranges.add(List.of(r0, r1));
            for (int r = r0; r < r1; r++) {
                int done = seen.getAndIncrement(r);
                int expected = backward ? steps - 1 - done : done;
                if (k != expected) {
                    errors.incrementAndGet(0);
                }
            }
        }

        void assertComplete() {
            assertEquals(0, errors.get(0), "steps out of order: " + describe());
            for (int r = 0; r < batch; r++) {
                assertEquals(steps, seen.get(r), "row " + r + " of " + batch + ": " + describe());
            }
        }

        String describe() {
            StringBuilder s = new StringBuilder(steps + " steps, " + (backward ? "backward" : "forward") + ", ranges");
            ranges.forEach(r -> s.append(" [").append(r.get(0)).append(", ").append(r.get(1)).append(')'));
            return s.toString();
        }
    }
}
