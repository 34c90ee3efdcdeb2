package dev.gatun.kernels.optim;

import static dev.gatun.kernels.optim.Params.F;
import static dev.gatun.kernels.optim.Params.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class RmspropStepTest {
    /** {weightDecay, momentum, centered (1) or not (0)}. */
    private static final float[][] OPTIONS = {{0f, 0f, 0f}, {0.01f, 0f, 0f}, {0f, 0.9f, 0f}, {0f, 0f, 1f},
            {0.05f, 0.5f, 1f}};

    @Test
    void matchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                for (float[] o : OPTIONS) {
                    boolean centered = o[2] == 1f;
                    MemorySegment p = Params.random(arena, 3, n, n, -1f, 1f);
                    MemorySegment g = Params.random(arena, 5, n, n + 1, -0.1f, 0.1f);
                    MemorySegment sq = Params.random(arena, 2, n, n + 2, 0.01f, 0.02f);
                    MemorySegment buf = Params.random(arena, 7, n, n + 3, -0.05f, 0.05f);
                    MemorySegment ga = Params.random(arena, 1, n, n + 4, -0.01f, 0.01f);
                    MemorySegment p2 = Params.copy(arena, p);
                    MemorySegment g2 = Params.copy(arena, g);
                    MemorySegment sq2 = Params.copy(arena, sq);
                    MemorySegment buf2 = Params.copy(arena, buf);
                    MemorySegment ga2 = Params.copy(arena, ga);
                    RmspropStep.run(p, 3, g, 5, sq, 2, buf, 7, ga, 1, n, 1e-2f, 0.99f, 1e-8f, o[0], o[1], centered);
                    RmspropStep.runScalar(p2, 3, g2, 5, sq2, 2, buf2, 7, ga2, 1, n, 1e-2f, 0.99f, 1e-8f, o[0], o[1],
                            centered);
                    String what = "n=" + n + " wd=" + o[0] + " momentum=" + o[1] + " centered=" + centered;
                    Params.assertSameBits(p2, p, "param " + what);
                    Params.assertSameBits(sq2, sq, "squareAvg " + what);
                    Params.assertSameBits(buf2, buf, "buf " + what);
                    Params.assertSameBits(ga2, ga, "gradAvg " + what);
                    Params.assertSameBits(g2, g, "grad untouched " + what);
                }
            }
        }
    }

    @Test
    void twinFollowsPyTorchFormulaOverSeveralSteps() {
        int n = 37;
        float lr = 0.01f;
        float alpha = 0.9f;
        float eps = 1e-6f;
        for (float[] o : OPTIONS) {
            float wd = o[0];
            float mu = o[1];
            boolean centered = o[2] == 1f;
            float[] p = new float[n];
            float[] sq = new float[n];
            float[] buf = new float[n];
            float[] ga = new float[n];
            double[] pd = new double[n];
            double[] sqd = new double[n];
            double[] bufd = new double[n];
            double[] gad = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = (i - 18) * 0.05f;
                pd[i] = p[i];
            }
            for (int step = 1; step <= 5; step++) {
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    g[i] = (float) Math.sin(i * 0.7 + step);
                }
                RmspropStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(sq),
                        0, MemorySegment.ofArray(buf), 0, MemorySegment.ofArray(ga), 0, n, lr, alpha, eps, wd, mu,
                        centered);
                for (int i = 0; i < n; i++) {
                    double gi = g[i] + (double) wd * pd[i];
                    sqd[i] = alpha * sqd[i] + (1 - (double) alpha) * gi * gi;
                    double avg;
                    if (centered) {
                        gad[i] = alpha * gad[i] + (1 - (double) alpha) * gi;
                        avg = Math.sqrt(sqd[i] - gad[i] * gad[i]) + eps;
                    } else {
                        avg = Math.sqrt(sqd[i]) + eps;
                    }
                    if (mu != 0) {
                        bufd[i] = mu * bufd[i] + gi / avg;
                        pd[i] -= lr * bufd[i];
                    } else {
                        pd[i] -= lr * gi / avg;
                    }
                }
            }
            String what = " wd=" + wd + " momentum=" + mu + " centered=" + centered;
            for (int i = 0; i < n; i++) {
                assertEquals(pd[i], p[i], 2e-5, "param " + i + what);
                assertEquals(sqd[i], sq[i], 1e-6, "squareAvg " + i + what);
                assertEquals(bufd[i], buf[i], 1e-3, "buf " + i + what);
                assertEquals(gad[i], ga[i], 1e-6, "gradAvg " + i + what);
            }
        }
    }

    @Test
    void firstStepWithoutMomentumMovesByLrOverSqrtOneMinusAlpha() {
        // sq = (1 - alpha) g², so the move is lr·g/(sqrt(1 - alpha)·|g| + eps) ≈ lr·sign(g)/sqrt(1 - alpha).
        float[] p = {1f, 1f};
        float[] g = {0.5f, -3f};
        RmspropStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(new float[2]),
                0, null, 0, null, 0, 2, 0.01f, 0.99f, 1e-8f, 0f, 0f, false);
        assertEquals(1 - 0.1, p[0], 1e-5);
        assertEquals(1 + 0.1, p[1], 1e-5);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        MemorySegment small = MemorySegment.ofArray(new float[9]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RmspropStep.run(s, 0, s, 0, small, 0, null, 0, null, 0, 10, 1e-2f, 0.99f, 1e-8f, 0f, 0f, false));
        assertTrue(e.getMessage().startsWith("squareAvg "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RmspropStep.run(s, 0, s, 0, s, 0, null, 0, null, 0, 10, 1e-2f, 0.99f, 1e-8f, 0f, 0.9f, false));
        assertTrue(e.getMessage().contains("momentum buffer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RmspropStep.runScalar(s, 0, s, 0, s, 0, null, 0, null, 0, 10, 1e-2f, 0.99f, 1e-8f, 0f, 0f, true));
        assertTrue(e.getMessage().contains("centered"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RmspropStep.run(s, 0, s, 0, s, 0, null, 0, null, 0, 10, 1e-2f, 1.5f, 1e-8f, 0f, 0f, false));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RmspropStep.run(s, 0, s, 0, s, 0, null, 0, null, 0, -1, 1e-2f, 0.99f, 1e-8f, 0f, 0f, false));
        assertEquals(0f, s.getAtIndex(F, 0));
    }
}
