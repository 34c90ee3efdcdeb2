package dev.gatun.kernels.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm against its double twins. The vector versions accumulate each (sample, channel) run
 * in float lanes, so sums carry a relative error of about s·2^-24 of the run's absolute sum;
 * the tolerances below are a few times that. Inputs sit on an offset (mean 3, spread 1) so a
 * naive one-pass variance would fail them.
 */
class BatchNormTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final float GUARD = -12345.5f;
    /** {n, c, s}: [N, C] inputs (s = 1), odd spatial sizes around the vector widths, the CNN's 28·28. */
    private static final int[][] SHAPES = {{2, 3, 1}, {1, 1, 2}, {4, 5, 7}, {3, 2, 17}, {8, 3, 784}, {64, 4, 49},
        {5, 7, 33}, {2, 16, 1031}, {129, 3, 1}, {16, 32, 196}};

    private static MemorySegment random(Arena arena, long off, long n, long seed, double mean, double spread) {
        MemorySegment s = guards(arena, off, n);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(F, off + i, (float) (mean + spread * (2 * r.nextDouble() - 1)));
        }
        return s;
    }

    private static MemorySegment guards(Arena arena, long off, long n) {
        MemorySegment s = arena.allocate((off + n + 9) * Float.BYTES, 64);
        for (long i = 0; i < off + n + 9; i++) {
            s.setAtIndex(F, i, GUARD);
        }
        return s;
    }

    private static void assertClose(MemorySegment expected, MemorySegment actual, double tol, String what) {
        for (long i = 0; i < expected.byteSize() / Float.BYTES; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (e == GUARD ? a != GUARD : Math.abs((double) e - a) > tol * (1 + Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    @Test
    void statisticsNormalizeAndBackwardMatchTwins() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] sz : SHAPES) {
                int n = sz[0];
                int c = sz[1];
                int s = sz[2];
                long total = (long) n * c * s;
                String what = Arrays.toString(sz);
                MemorySegment x = random(arena, 3, total, total, 3, 1);
                MemorySegment mean = guards(arena, 1, c);
                MemorySegment var = guards(arena, 2, c);
                MemorySegment meanRef = guards(arena, 1, c);
                MemorySegment varRef = guards(arena, 2, c);
                BatchNorm.statistics(x, 3, n, c, s, mean, 1, var, 2);
                BatchNorm.statisticsScalar(x, 3, n, c, s, meanRef, 1, varRef, 2);
                double runError = 4e-7 * Math.max(8, Math.sqrt(s));
                assertClose(meanRef, mean, runError, "mean " + what);
                assertClose(varRef, var, 20 * runError, "var " + what);

                MemorySegment scale = random(arena, 0, c, 1, 0, 2);
                MemorySegment shift = random(arena, 0, c, 2, 0, 2);
                MemorySegment y = guards(arena, 2, total);
                MemorySegment yRef = guards(arena, 2, total);
                BatchNorm.normalize(x, 3, n, c, s, scale, 0, shift, 0, y, 2);
                BatchNorm.normalizeScalar(x, 3, n, c, s, scale, 0, shift, 0, yRef, 2);
                assertClose(yRef, y, 2e-7, "normalize " + what);

                MemorySegment invStd = random(arena, 0, c, 3, 1.5, 0.5);
                MemorySegment gamma = random(arena, 0, c, 4, 0, 2);
                MemorySegment dy = random(arena, 1, total, 5, 0, 1);
                MemorySegment dx = guards(arena, 4, total);
                MemorySegment dxRef = guards(arena, 4, total);
                MemorySegment dg = guards(arena, 0, c);
                MemorySegment dgRef = guards(arena, 0, c);
                MemorySegment db = guards(arena, 1, c);
                MemorySegment dbRef = guards(arena, 1, c);
                BatchNorm.backward(x, 3, dy, 1, n, c, s, meanRef, 1, invStd, 0, gamma, 0, dx, 4, dg, 0, db, 1);
                BatchNorm.backwardScalar(x, 3, dy, 1, n, c, s, meanRef, 1, invStd, 0, gamma, 0, dxRef, 4, dgRef, 0,
                        dbRef, 1);
                // dγ and dβ are sums of M terms of size ~1 that cancel: compare against sqrt(M)-sized noise.
                double sumTol = runError * Math.sqrt((double) n * s);
                assertClose(dbRef, db, sumTol, "dbeta " + what);
                assertClose(dgRef, dg, sumTol, "dgamma " + what);
                assertClose(dxRef, dx, 1e-5, "dx " + what);
            }
        }
    }

    @Test
    void constantChannelHasZeroVarianceAndExactMean() {
        float[] x = new float[2 * 3 * 40];
        Arrays.fill(x, 1e4f + 0.5f);
        for (boolean vector : new boolean[] {true, false}) {
            float[] mean = new float[3];
            float[] var = new float[3];
            if (vector) {
                BatchNorm.statistics(MemorySegment.ofArray(x), 0, 2, 3, 40, MemorySegment.ofArray(mean), 0,
                        MemorySegment.ofArray(var), 0);
            } else {
                BatchNorm.statisticsScalar(MemorySegment.ofArray(x), 0, 2, 3, 40, MemorySegment.ofArray(mean), 0,
                        MemorySegment.ofArray(var), 0);
            }
            for (int ch = 0; ch < 3; ch++) {
                assertEquals(1e4f + 0.5f, mean[ch]);
                assertEquals(0f, var[ch]);
            }
        }
    }

    @Test
    void rejectsBadSizesAndSegments() {
        MemorySegment s = MemorySegment.ofArray(new float[24]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNorm.statistics(s, 0, 0, 3, 4, s, 0, s, 0));
        assertTrue(e.getMessage().contains("n=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchNorm.normalize(s, 0, 2, 3, 4, MemorySegment.ofArray(new float[2]), 0, s, 0, s, 0));
        assertTrue(e.getMessage().startsWith("scale "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchNorm.backwardScalar(s, 0, s, 1, 2, 3, 4,
                s, 0, s, 0, s, 0, s, 0, s, 0, s, 0));
        assertTrue(e.getMessage().startsWith("dy "), e.getMessage());
    }
}
