package dev.gatun.kernels.optim;

import static dev.gatun.kernels.optim.Params.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Decaying optimizer state is stored as +0 below Float.MIN_NORMAL, by both twins alike. */
class SubnormalStateTest {
    // Odd, so both the vector loop and its scalar tail run.
    private static final int N = 37;
    private static final float TINY = 4 * Float.MIN_NORMAL;

    /** Gradients zero on even elements: their state decays through the subnormal range. */
    private static MemorySegment halfZeroGradient(Arena arena) {
        MemorySegment g = arena.allocate((long) N * Float.BYTES, 64);
        for (int i = 0; i < N; i++) {
            g.setAtIndex(F, i, i % 2 == 0 ? 0f : 0.01f * (i - 18));
        }
        return g;
    }

    private static MemorySegment filled(Arena arena, float value) {
        MemorySegment s = arena.allocate((long) N * Float.BYTES, 64);
        for (int i = 0; i < N; i++) {
            s.setAtIndex(F, i, (i % 3 == 0 ? -1 : 1) * value);
        }
        return s;
    }

    private static void assertNoSubnormal(MemorySegment s, String what) {
        for (int i = 0; i < N; i++) {
            float x = s.getAtIndex(F, i);
            if (x != 0 && Math.abs(x) < Float.MIN_NORMAL) {
                fail(what + ": element " + i + " is subnormal, " + x);
            }
            if (Float.floatToRawIntBits(x) == Float.floatToRawIntBits(-0f)) {
                fail(what + ": element " + i + " is -0, a flushed state is +0");
            }
        }
    }

    /** The state's elements where the gradient is zero, decayed to +0 rather than left subnormal. */
    private static void assertFlushedToZero(MemorySegment s, String what) {
        for (int i = 0; i < N; i += 2) {
            assertEquals(0, Float.floatToRawIntBits(s.getAtIndex(F, i)), what + ": element " + i);
        }
    }

    @Test
    void adamMomentsDecayToZeroNotSubnormal() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment g = halfZeroGradient(arena);
            MemorySegment p = filled(arena, 0.5f);
            MemorySegment m = filled(arena, TINY);
            MemorySegment v = filled(arena, 1e-4f);
            MemorySegment p2 = Params.copy(arena, p);
            MemorySegment m2 = Params.copy(arena, m);
            MemorySegment v2 = Params.copy(arena, v);
            // Without the flush, 0.9^k * TINY is subnormal from k = 14 and never leaves (0.9 times the
            // least subnormal rounds back to it).
            assertTrue(0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f * 0.9f
                    * 0.9f * TINY < Float.MIN_NORMAL);
            assertEquals(Float.MIN_VALUE, 0.9f * Float.MIN_VALUE);
            for (int step = 1; step <= 40; step++) {
                AdamStep.run(p, 0, g, 0, m, 0, v, 0, N, 1e-3, 0.9, 0.999, 1e-8, 0, false, step);
                AdamStep.runScalar(p2, 0, g, 0, m2, 0, v2, 0, N, 1e-3, 0.9, 0.999, 1e-8, 0, false, step);
                assertNoSubnormal(m, "m after step " + step);
                Params.assertSameBits(m2, m, "m after step " + step);
                Params.assertSameBits(v2, v, "v after step " + step);
                Params.assertSameBits(p2, p, "param after step " + step);
            }
            assertFlushedToZero(m, "m");
            assertFalse(m.getAtIndex(F, 1) == 0f, "a moment with a gradient stays");
        }
    }

    @Test
    void adamFlushesSubnormalStateItIsGiven() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment g = halfZeroGradient(arena);
            MemorySegment p = filled(arena, 0.5f);
            MemorySegment m = filled(arena, Float.MIN_VALUE * 5);
            MemorySegment v = filled(arena, Float.MIN_VALUE * 3);
            AdamStep.run(p, 0, g, 0, m, 0, v, 0, N, 1e-3, 0.9, 0.999, 1e-8, 0, false, 7);
            assertNoSubnormal(m, "m");
            assertNoSubnormal(v, "v");
            assertFlushedToZero(m, "m");
            assertFlushedToZero(v, "v");
            for (int i = 0; i < N; i += 2) {
                assertEquals(0.5f * (i % 3 == 0 ? -1 : 1), p.getAtIndex(F, i), "param " + i + " unmoved");
            }
        }
    }

    @Test
    void sgdMomentumDecaysToZeroNotSubnormal() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment g = halfZeroGradient(arena);
            MemorySegment p = filled(arena, 0.5f);
            MemorySegment buf = filled(arena, TINY);
            MemorySegment p2 = Params.copy(arena, p);
            MemorySegment buf2 = Params.copy(arena, buf);
            for (int step = 1; step <= 40; step++) {
                for (boolean nesterov : new boolean[] {false, true}) {
                    SgdStep.run(p, 0, g, 0, buf, 0, N, 1e-2, 0.9, 0, 0, nesterov, false);
                    SgdStep.runScalar(p2, 0, g, 0, buf2, 0, N, 1e-2, 0.9, 0, 0, nesterov, false);
                    assertNoSubnormal(buf, "buf after step " + step);
                    Params.assertSameBits(buf2, buf, "buf after step " + step);
                    Params.assertSameBits(p2, p, "param after step " + step);
                }
            }
            assertFlushedToZero(buf, "buf");
        }
    }

    @Test
    void rmspropStateDecaysToZeroAndCenteredStaysFinite() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment g = halfZeroGradient(arena);
            MemorySegment p = filled(arena, 0.5f);
            MemorySegment sq = filled(arena, TINY);
            for (int i = 0; i < N; i++) {
                sq.setAtIndex(F, i, TINY);
            }
            // The gradient average's square is near the square average's: where the latter is
            // flushed, an unflushed square would make sq - gavg^2 negative and its root NaN.
            MemorySegment ga = filled(arena, (float) Math.sqrt(TINY) * 0.999f);
            MemorySegment buf = filled(arena, TINY);
            MemorySegment p2 = Params.copy(arena, p);
            MemorySegment sq2 = Params.copy(arena, sq);
            MemorySegment ga2 = Params.copy(arena, ga);
            MemorySegment buf2 = Params.copy(arena, buf);
            for (int step = 1; step <= 5000; step++) {
                RmspropStep.run(p, 0, g, 0, sq, 0, buf, 0, ga, 0, N, 1e-2, 0.99, 1e-8, 0, 0.9, true);
                RmspropStep.runScalar(p2, 0, g, 0, sq2, 0, buf2, 0, ga2, 0, N, 1e-2, 0.99, 1e-8, 0, 0.9, true);
                assertNoSubnormal(sq, "square average after step " + step);
                assertNoSubnormal(ga, "gradient average after step " + step);
                assertNoSubnormal(buf, "buf after step " + step);
                // Odd elements see a constant gradient, whose centered variance tends to zero and
                // whose steps grow to lr * g / eps: only the zero-gradient ones are checked here.
                for (int i = 0; i < N; i += 2) {
                    assertEquals(0.5f * (i % 3 == 0 ? -1 : 1), p.getAtIndex(F, i), "param " + i + " after step " + step);
                }
                Params.assertSameBits(p2, p, "param after step " + step);
                Params.assertSameBits(sq2, sq, "square average after step " + step);
                Params.assertSameBits(ga2, ga, "gradient average after step " + step);
                Params.assertSameBits(buf2, buf, "buf after step " + step);
            }
            assertFlushedToZero(sq, "square average");
            assertFlushedToZero(ga, "gradient average");
            assertFlushedToZero(buf, "buf");
        }
    }
}
