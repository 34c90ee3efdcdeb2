package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * SiLU (swish), with σ the logistic function:
 *   forward:  x[n] -> y[n]             y  = x·σ(x)
 *   backward: x[n], dy[n] -> dx[n]     dx = dy·σ(x)·(1 + x·(1 - σ(x)))
 *
 * σ is VectorMath.sigmoid (within 3 ulp, never overflows), so y is within about 4 ulp and keeps
 * its precision for very negative x, where PyTorch's x/(1 + e^-x) underflows to 0 a little
 * early. The vector and scalar versions agree bit for bit. The parameter p is ignored.
 */
/** SiLU (swish), x·σ(x); the parameter p is ignored. */
public final class Silu extends StagedActivation {
    /** The kernel. */
    public static final Silu KERNEL = new Silu();

    private static final VectorSpecies<Float> F = Simd.FLOATS;

    private Silu() {}

    @Override
    void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p) {
        int bound = F.loopBound(n);
        sigmoidInto(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).mul(FloatVector.fromArray(F, s1, i)).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] = forwardOne(x[i], p);
        }
    }

    @Override
    float forwardOne(float x, float p) {
        return x * VectorMath.sigmoid(x);
    }

    @Override
    void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int bound = F.loopBound(n);
        sigmoidInto(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector s = FloatVector.fromArray(F, s1, i);
            FloatVector g = FloatVector.fromArray(F, dy, i);
            g.mul(s).mul(v.mul(one.sub(s)).add(1f)).intoArray(dy, i);
        }
        for (int i = bound; i < n; i++) {
            dy[i] = backwardOne(x[i], dy[i], p);
        }
    }

    @Override
    float backwardOne(float x, float dy, float p) {
        float s = VectorMath.sigmoid(x);
        return dy * s * (1f + x * (1f - s));
    }
}
