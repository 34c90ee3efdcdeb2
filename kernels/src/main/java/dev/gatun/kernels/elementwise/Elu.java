package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * ELU with alpha p:
 *   forward:  x[n] -> y[n]             y  = x > 0 ? x : p·(e^x - 1)
 *   backward: x[n], dy[n] -> dx[n]     dx = x > 0 ? dy : dy·(p·e^x)
 *
 * e^x - 1 is expm1, as PyTorch computes it: near 0 the subtraction would cancel, so for
 * x in [-0.35, 0] it is the Taylor series of e^x - 1 to x^8 (the first dropped term is below
 * 1e-9 relative there), and below -0.35 VectorMath.exp(x) - 1, where e^x <= 0.71 and the
 * subtraction loses at most 2 bits. Within 3 ulp of the exact value. The vector and scalar
 * versions do the same operations in the same order and agree bit for bit. NaN stays NaN.
 */
/** ELU with alpha p: x for x > 0, else p·(e^x - 1). */
public final class Elu extends StagedActivation {
    /** The kernel. */
    public static final Elu KERNEL = new Elu();

    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final float SERIES_FROM = -0.35f;
    private static final float C7 = 1f / 40320;
    private static final float C6 = 1f / 5040;
    private static final float C5 = 1f / 720;
    private static final float C4 = 1f / 120;
    private static final float C3 = 1f / 24;
    private static final float C2 = 1f / 6;
    private static final float C1 = 0.5f;

    private Elu() {}

    /** e^x - 1 for x <= 0 (and NaN); {@code e} is VectorMath.exp(x). */
    static float expm1(float x, float e) {
        if (x >= SERIES_FROM) {
            float u = Math.fma(x, C7, C6);
            u = Math.fma(u, x, C5);
            u = Math.fma(u, x, C4);
            u = Math.fma(u, x, C3);
            u = Math.fma(u, x, C2);
            u = Math.fma(u, x, C1);
            return Math.fma(x * x, u, x);
        }
        return e - 1f;
    }

    private static FloatVector expm1(FloatVector x, FloatVector e) {
        FloatVector u = x.fma(C7, C6);
        u = u.fma(x, FloatVector.broadcast(F, C5));
        u = u.fma(x, FloatVector.broadcast(F, C4));
        u = u.fma(x, FloatVector.broadcast(F, C3));
        u = u.fma(x, FloatVector.broadcast(F, C2));
        u = u.fma(x, FloatVector.broadcast(F, C1));
        FloatVector series = x.mul(x).fma(u, x);
        return e.sub(1f).blend(series, x.compare(VectorOperators.GE, SERIES_FROM));
    }

    @Override
    void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p) {
        int bound = F.loopBound(n);
        expInto(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector m1 = expm1(v, FloatVector.fromArray(F, s1, i));
            m1.mul(p).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] = forwardOne(x[i], p);
        }
    }

    @Override
    float forwardOne(float x, float p) {
        return x > 0f ? x : expm1(x, VectorMath.exp(x)) * p;
    }

    @Override
    void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p) {
        int bound = F.loopBound(n);
        expInto(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, dy, i);
            FloatVector e = FloatVector.fromArray(F, s1, i);
            g.mul(e.mul(p)).blend(g, FloatVector.fromArray(F, x, i).compare(VectorOperators.GT, 0f)).intoArray(dy, i);
        }
        for (int i = bound; i < n; i++) {
            dy[i] = backwardOne(x[i], dy[i], p);
        }
    }

    @Override
    float backwardOne(float x, float dy, float p) {
        return x > 0f ? dy : dy * (VectorMath.exp(x) * p);
    }
}
