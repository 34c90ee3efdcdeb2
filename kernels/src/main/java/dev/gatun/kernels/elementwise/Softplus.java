package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Softplus with PyTorch's defaults beta = 1, threshold = 20 (linear above the threshold):
 *   forward:  x[n] -> y[n]             y  = x > 20 ? x : log(1 + e^x)
 *   backward: x[n], dy[n] -> dx[n]     dx = x > 20 ? dy : dy·σ(x)
 *
 * log(1 + e^x) is evaluated as max(x, 0) + log1p(e^-|x|), which neither overflows nor loses
 * the tiny outputs of very negative x. log1p(e) has no VectorMath function; with u = 1 + e
 * rounded, log1p(e) = log(u)·e/(u - 1) (exact where u = 1: then it is e), which cancels the
 * rounding of u (Goldberg's method), within a few ulp. σ is VectorMath.sigmoid. The vector and
 * scalar versions do the same operations in the same order and agree bit for bit. NaN stays NaN.
 * The parameter p is ignored.
 */
/** Softplus with PyTorch's defaults (beta 1, linear above 20); the parameter p is ignored. */
public final class Softplus extends StagedActivation {
    /** The kernel. */
    public static final Softplus KERNEL = new Softplus();

    /** Above this the output is x itself, as in PyTorch. */
    public static final float THRESHOLD = 20f;

    private static final VectorSpecies<Float> F = Simd.FLOATS;

    private Softplus() {}

    @Override
    void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).abs().neg().intoArray(s1, i);
        }
        VectorMath.exp(s1, 0, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector.fromArray(F, s1, i).add(1f).intoArray(s2, i);
        }
        VectorMath.log(s2, 0, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector e = FloatVector.fromArray(F, s1, i);
            FloatVector u = e.add(1f);
            VectorMask<Float> exact = u.compare(VectorOperators.EQ, 1f);
            FloatVector log1p = FloatVector.fromArray(F, s2, i).mul(e.div(u.sub(1f))).blend(e, exact);
            v.max(0f).add(log1p).blend(v, v.compare(VectorOperators.GT, THRESHOLD)).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] = forwardOne(x[i], p);
        }
    }

    @Override
    float forwardOne(float x, float p) {
        if (x > THRESHOLD) {
            return x;
        }
        float e = VectorMath.exp(-Math.abs(x));
        float u = e + 1f;
        float log1p = u == 1f ? e : VectorMath.log(u) * (e / (u - 1f));
        return Math.max(x, 0f) + log1p;
    }

    @Override
    void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p) {
        int bound = F.loopBound(n);
        sigmoidInto(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, dy, i);
            FloatVector above = FloatVector.fromArray(F, x, i);
            g.mul(FloatVector.fromArray(F, s1, i)).blend(g, above.compare(VectorOperators.GT, THRESHOLD))
                    .intoArray(dy, i);
        }
        for (int i = bound; i < n; i++) {
            dy[i] = backwardOne(x[i], dy[i], p);
        }
    }

    @Override
    float backwardOne(float x, float dy, float p) {
        return x > THRESHOLD ? dy : dy * VectorMath.sigmoid(x);
    }
}
