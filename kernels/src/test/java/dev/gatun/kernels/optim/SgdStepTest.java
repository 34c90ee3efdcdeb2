package dev.gatun.kernels.optim;

import static dev.gatun.kernels.optim.Params.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class SgdStepTest {
    /** {momentum, dampening, weightDecay, nesterov (1/0)}. */
    private static final float[][] CONFIGS = {{0f, 0f, 0f, 0f}, {0f, 0f, 0.01f, 0f}, {0.9f, 0f, 0f, 0f},
        {0.9f, 0.1f, 0.001f, 0f}, {0.9f, 0f, 0.01f, 1f}};

    @Test
    void matchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                for (float[] c : CONFIGS) {
                    for (boolean first : new boolean[] {true, false}) {
                        MemorySegment p = Params.random(arena, 3, n, n, -1f, 1f);
                        MemorySegment g = Params.random(arena, 5, n, n + 1, -0.1f, 0.1f);
                        MemorySegment buf = c[0] == 0f ? null : Params.random(arena, 2, n, n + 2, -0.05f, 0.05f);
                        MemorySegment p2 = Params.copy(arena, p);
                        MemorySegment buf2 = buf == null ? null : Params.copy(arena, buf);
                        boolean nesterov = c[3] == 1f;
                        SgdStep.run(p, 3, g, 5, buf, 2, n, 0.05f, c[0], c[1], c[2], nesterov, first);
                        SgdStep.runScalar(p2, 3, g, 5, buf2, 2, n, 0.05f, c[0], c[1], c[2], nesterov, first);
                        String what = "n=" + n + " config " + java.util.Arrays.toString(c) + " first=" + first;
                        Params.assertSameBits(p2, p, "param " + what);
                        if (buf != null) {
                            Params.assertSameBits(buf2, buf, "buf " + what);
                        }
                    }
                }
            }
        }
    }

    private static float[] threeSteps(float momentum, float dampening, float wd, boolean nesterov) {
        float[] p = {1f, -2f};
        float[] buf = new float[2];
        float[][] grads = {{1f, 0.5f}, {2f, -1f}, {-1f, 0.25f}};
        for (int s = 0; s < 3; s++) {
            SgdStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(grads[s]), 0, MemorySegment.ofArray(buf), 0,
                    2, 0.1f, momentum, dampening, wd, nesterov, s == 0);
        }
        return p;
    }

    @Test
    void momentumByHand() {
        // lr 0.1, momentum 0.9, p0 = 1, grads 1, 2, -1:
        //   buf 1 -> p 0.9;  buf 0.9*1 + 2 = 2.9 -> p 0.61;  buf 0.9*2.9 - 1 = 1.61 -> p 0.449
        assertEquals(0.449f, threeSteps(0.9f, 0f, 0f, false)[0], 1e-6f);
        // Nesterov: g + 0.9 * buf is 1.9, 4.61, 0.449 -> p 0.81, 0.349, 0.3041
        assertEquals(0.3041f, threeSteps(0.9f, 0f, 0f, true)[0], 1e-6f);
        // Dampening 0.5 skips the first step (buf = g), then buf = 0.9 buf + 0.5 g:
        //   buf 1 -> p 0.9;  buf 1.9 -> p 0.71;  buf 1.21 -> p 0.589
        assertEquals(0.589f, threeSteps(0.9f, 0.5f, 0f, false)[0], 1e-6f);
        // Plain SGD with weight decay 0.1 on p0 = -2, grads 0.5, -1, 0.25:
        //   g 0.3 -> p -2.03;  g -1.203 -> p -1.9097;  g 0.05903 -> p -1.915603
        assertEquals(-1.915603f, threeSteps(0f, 0f, 0.1f, false)[1], 1e-6f);
    }

    @Test
    void noMomentumNeedsNoBuffer() {
        float[] p = {1f, 2f, 3f};
        float[] g = {1f, 1f, -1f};
        SgdStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, null, 0, 3, 0.5f, 0f, 0f, 0f, false,
                true);
        assertEquals(0.5f, p[0]);
        assertEquals(1.5f, p[1]);
        assertEquals(3.5f, p[2]);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SgdStep.run(s, 0, s, 0, null, 0, 10, 0.1f, 0.9f, 0f, 0f, false, true));
        assertTrue(e.getMessage().contains("buffer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SgdStep.run(s, 0, s, 0, s, 0, 10, 0.1f, 0f, 0f, 0f, true, true));
        assertTrue(e.getMessage().contains("nesterov"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SgdStep.run(s, 0, s, 0, s, 0, 10, 0.1f, 0.9f, 0.1f, 0f, true, true));
        assertThrows(IllegalArgumentException.class,
                () -> SgdStep.runScalar(s, 0, s, 0, s, 1, 10, 0.1f, 0.9f, 0f, 0f, false, true));
        assertThrows(IllegalArgumentException.class,
                () -> SgdStep.run(s, 0, s, 0, null, 0, -1, 0.1f, 0f, 0f, 0f, false, true));
    }
}
