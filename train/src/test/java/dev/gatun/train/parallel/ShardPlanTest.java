package dev.gatun.train.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ranks' shares cover every global batch exactly once, in order, as evenly as possible. */
class ShardPlanTest {
    @ParameterizedTest(name = "{0} examples, global batch {1}, {2} ranks, dropLast {3}")
    @CsvSource({"100, 32, 2, false", "100, 32, 3, false", "100, 32, 3, true", "7, 6, 4, false", "64, 64, 4, false",
        "5, 8, 3, false", "301, 48, 5, false", "0, 16, 2, false"})
    void sharesTileEveryGlobalBatchInOrder(int n, int globalBatch, int ranks, boolean dropLast) {
        ShardPlan first = new ShardPlan(n, globalBatch, dropLast, 0, ranks);
        int covered = 0;
        for (int b = 0; b < first.batchCount(); b++) {
            int next = b * globalBatch;
            int smallest = Integer.MAX_VALUE;
            int largest = 0;
            for (int r = 0; r < ranks; r++) {
                ShardPlan p = new ShardPlan(n, globalBatch, dropLast, r, ranks);
                assertEquals(first.batchCount(), p.batchCount());
                assertEquals(next, p.from(b), "rank " + r + " of batch " + b + " starts where rank " + (r - 1) + " ended");
                next += p.count(b);
                smallest = Math.min(smallest, p.count(b));
                largest = Math.max(largest, p.count(b));
            }
            assertEquals(Math.min(globalBatch, n - b * globalBatch), next - b * globalBatch, "batch " + b);
            assertTrue(largest - smallest <= 1, "batch " + b + ": shares from " + smallest + " to " + largest);
            covered = next;
        }
        int expected = dropLast ? n / globalBatch * globalBatch : n;
        assertEquals(expected, covered);
    }

    @Test
    void aFullGlobalBatchGivesEveryRankItsBatch() {
        for (int r = 0; r < 4; r++) {
            ShardPlan p = new ShardPlan(1000, 4 * 32, false, r, 4);
            assertEquals(32, p.count(0));
            assertEquals(5 * 128 + r * 32, p.from(5));
        }
        // The last global batch has 1000 - 7 * 128 = 104 examples: 26 each.
        assertEquals(26, new ShardPlan(1000, 128, false, 3, 4).count(7));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ShardPlan(10, 4, false, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ShardPlan(10, 0, false, 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> new ShardPlan(10, 4, false, 0, 2).count(3));
    }
}
