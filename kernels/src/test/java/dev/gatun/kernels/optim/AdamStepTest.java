package dev.gatun.kernels.optim;

import static dev.gatun.kernels.optim.Params.F;
import static dev.gatun.kernels.optim.Params.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class AdamStepTest {
    /** {weightDecay, decoupled (1) or L2 (0)}. */
    private static final float[][] DECAY = {{0f, 0f}, {0.01f, 0f}, {0.05f, 1f}};

    @Test
    void matchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                for (float[] d : DECAY) {
                    for (int step : new int[] {1, 2, 10, 1000}) {
                        MemorySegment p = Params.random(arena, 3, n, n, -1f, 1f);
                        MemorySegment g = Params.random(arena, 5, n, n + 1, -0.1f, 0.1f);
                        MemorySegment m = Params.random(arena, 2, n, n + 2, -0.05f, 0.05f);
                        MemorySegment v = Params.random(arena, 7, n, n + 3, 0f, 0.01f);
                        MemorySegment p2 = Params.copy(arena, p);
                        MemorySegment g2 = Params.copy(arena, g);
                        MemorySegment m2 = Params.copy(arena, m);
                        MemorySegment v2 = Params.copy(arena, v);
                        boolean decoupled = d[1] == 1f;
                        AdamStep.run(p, 3, g, 5, m, 2, v, 7, n, 1e-3f, 0.9f, 0.999f, 1e-8f, d[0], decoupled, step);
                        AdamStep.runScalar(p2, 3, g2, 5, m2, 2, v2, 7, n, 1e-3f, 0.9f, 0.999f, 1e-8f, d[0], decoupled,
                                step);
                        String what = "n=" + n + " wd=" + d[0] + " decoupled=" + decoupled + " step=" + step;
                        Params.assertSameBits(p2, p, "param " + what);
                        Params.assertSameBits(m2, m, "m " + what);
                        Params.assertSameBits(v2, v, "v " + what);
                        Params.assertSameBits(g2, g, "grad untouched " + what);
                    }
                }
            }
        }
    }

    @Test
    void twinFollowsPyTorchFormulaOverSeveralSteps() {
        int n = 37;
        float lr = 0.01f;
        float b1 = 0.9f;
        float b2 = 0.99f;
        float eps = 1e-6f;
        for (float[] d : DECAY) {
            boolean decoupled = d[1] == 1f;
            float wd = d[0];
            float[] p = new float[n];
            float[] m = new float[n];
            float[] v = new float[n];
            double[] pd = new double[n];
            double[] md = new double[n];
            double[] vd = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = (i - 18) * 0.05f;
                pd[i] = p[i];
            }
            for (int step = 1; step <= 5; step++) {
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    g[i] = (float) Math.sin(i * 0.7 + step);
                }
                AdamStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(m), 0,
                        MemorySegment.ofArray(v), 0, n, lr, b1, b2, eps, wd, decoupled, step);
                double bc1 = 1 - Math.pow(b1, step);
                double bc2 = 1 - Math.pow(b2, step);
                for (int i = 0; i < n; i++) {
                    double gi = g[i];
                    if (!decoupled) {
                        gi += wd * pd[i];
                    } else {
                        pd[i] *= 1 - (double) lr * wd;
                    }
                    md[i] = b1 * md[i] + (1 - b1) * gi;
                    vd[i] = b2 * vd[i] + (1 - b2) * gi * gi;
                    pd[i] -= lr * (md[i] / bc1) / (Math.sqrt(vd[i] / bc2) + eps);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(pd[i], p[i], 2e-6, "param " + i + " wd=" + wd + " decoupled=" + decoupled);
                assertEquals(md[i], m[i], 1e-6, "m " + i);
                assertEquals(vd[i], v[i], 1e-6, "v " + i);
            }
        }
    }

    @Test
    void firstStepMovesEachParamByAboutLrTimesSignOfGradient() {
        int n = 1000;
        float lr = 1e-3f;
        float[] p = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = i * 0.01f;
            g[i] = (i % 3 - 1) * (0.001f + i * 0.01f); // includes exact zeros
        }
        float[] before = p.clone();
        AdamStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(new float[n]), 0,
                MemorySegment.ofArray(new float[n]), 0, n, lr, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
        for (int i = 0; i < n; i++) {
            float moved = before[i] - p[i];
            // mhat / (sqrt(vhat) + eps) = g / (|g| + eps): off from sign(g) by eps / |g| <= 1e-5 here.
            assertEquals(lr * Math.signum(g[i]), moved, 2e-5 * lr + Math.ulp(before[i]), "param " + i);
        }
    }

    @Test
    void adamWDecaysParamsWithZeroGradient() {
        float[] p = {2f, -4f};
        float[] g = new float[2];
        AdamStep.run(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(new float[2]), 0,
                MemorySegment.ofArray(new float[2]), 0, 2, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, true, 1);
        assertEquals(2f * 0.95f, p[0], 1e-6f);
        assertEquals(-4f * 0.95f, p[1], 1e-6f);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        MemorySegment small = MemorySegment.ofArray(new float[9]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdamStep.run(s, 0, s, 0, s, 0, small, 0, 10, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
        assertTrue(e.getMessage().startsWith("v "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AdamStep.run(s, 0, s, 0, s, 0, s, 0, 10, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0));
        assertTrue(e.getMessage().contains("step"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AdamStep.runScalar(s, 0, s, 0, s, 0, s, 0, -1, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
        assertThrows(IllegalArgumentException.class,
                () -> AdamStep.run(s, 0, s, 0, s, 0, s, 0, 1, 1e-3f, 1f, 0.999f, 1e-8f, 0f, false, 1));
        assertThrows(IllegalArgumentException.class,
                () -> AdamStep.run(s, 0, s, 5, s, 0, s, 0, 6, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
        assertEquals(0f, s.getAtIndex(F, 0));
    }
}
