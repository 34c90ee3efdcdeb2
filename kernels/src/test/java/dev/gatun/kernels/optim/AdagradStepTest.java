package dev.gatun.kernels.optim;

import static dev.gatun.kernels.optim.Params.F;
import static dev.gatun.kernels.optim.Params.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class AdagradStepTest {
    /** {weightDecay, lrDecay}. */
    private static final float[][] OPTIONS = {{0f, 0f}, {0.01f, 0f}, {0f, 0.1f}, {0.05f, 0.01f}};

    @Test
    void matchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                for (float[] o : OPTIONS) {
                    for (int step : new int[] {1, 2, 50}) {
                        MemorySegment p = Params.random(arena, 3, n, n, -1f, 1f);
                        MemorySegment g = Params.random(arena, 5, n, n + 1, -0.1f, 0.1f);
                        MemorySegment sum = Params.random(arena, 2, n, n + 2, 0f, 0.5f);
                        MemorySegment p2 = Params.copy(arena, p);
                        MemorySegment g2 = Params.copy(arena, g);
                        MemorySegment sum2 = Params.copy(arena, sum);
                        AdagradStep.run(p, 3, g, 5, sum, 2, n, 1e-2f, o[1], o[0], 1e-10f, step);
                        AdagradStep.runScalar(p2, 3, g2, 5, sum2, 2, n, 1e-2f, o[1], o[0], 1e-10f, step);
                        String what = "n=" + n + " wd=" + o[0] + " lrDecay=" + o[1] + " step=" + step;
                        Params.assertSameBits(p2, p, "param " + what);
                        Params.assertSameBits(sum2, sum, "sum " + what);
                        Params.assertSameBits(g2, g, "grad untouched " + what);
                    }
                }
            }
        }
    }

    @Test
    void twinFollowsPyTorchFormulaOverSeveralSteps() {
        int n = 37;
        float lr = 0.05f;
        float eps = 1e-10f;
        for (float[] o : OPTIONS) {
            float wd = o[0];
            float lrDecay = o[1];
            float[] p = new float[n];
            float[] sum = new float[n];
            double[] pd = new double[n];
            double[] sumd = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = (i - 18) * 0.05f;
                pd[i] = p[i];
                sum[i] = 0.1f;
                sumd[i] = sum[i];
            }
            for (int step = 1; step <= 5; step++) {
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    g[i] = (float) Math.sin(i * 0.7 + step);
                }
                AdagradStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(sum),
                        0, n, lr, lrDecay, wd, eps, step);
                double clr = lr / (1 + (step - 1) * (double) lrDecay);
                for (int i = 0; i < n; i++) {
                    double gi = g[i] + (double) wd * pd[i];
                    sumd[i] += gi * gi;
                    pd[i] -= clr * gi / (Math.sqrt(sumd[i]) + eps);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(pd[i], p[i], 2e-6, "param " + i + " wd=" + wd + " lrDecay=" + lrDecay);
                assertEquals(sumd[i], sum[i], 1e-5, "sum " + i);
            }
        }
    }

    @Test
    void firstStepFromZeroSumMovesByLr() {
        float[] p = {1f, 1f, 1f};
        float[] g = {0.25f, -4f, 0f};
        AdagradStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(new float[3]),
                0, 3, 0.1f, 0f, 0f, 1e-10f, 1);
        assertEquals(0.9f, p[0], 1e-6f);
        assertEquals(1.1f, p[1], 1e-6f);
        assertEquals(1f, p[2], 0f, "zero gradient, zero sum: 0 / eps moves nothing");
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        MemorySegment small = MemorySegment.ofArray(new float[9]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdagradStep.run(s, 0, s, 0, small, 0, 10, 1e-2f, 0f, 0f, 1e-10f, 1));
        assertTrue(e.getMessage().startsWith("sum "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AdagradStep.run(s, 0, s, 0, s, 0, 10, 1e-2f, 0f, 0f, 1e-10f, 0));
        assertTrue(e.getMessage().contains("step"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AdagradStep.runScalar(s, 0, s, 0, s, 0, 10, 1e-2f, -1f, 0f, 1e-10f, 1));
        assertTrue(e.getMessage().contains("lrDecay"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AdagradStep.run(s, 0, s, 5, s, 0, 6, 1e-2f, 0f, 0f, 1e-10f, 1));
        assertEquals(0f, s.getAtIndex(F, 0));
    }
}
