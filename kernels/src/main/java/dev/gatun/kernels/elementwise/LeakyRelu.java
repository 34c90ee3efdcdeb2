package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Leaky ReLU with slope p (PyTorch's negative_slope):
 *   forward:  x[n] -> y[n]             y  = x > 0 ? x : x·p
 *   backward: x[n], dy[n] -> dx[n]     dx = x > 0 ? dy : dy·p
 *
 * As PyTorch: NaN stays NaN, -0 gives -0·p. One multiply and a select, so the vector and scalar
 * versions agree bit for bit.
 */
/** Leaky ReLU with slope p for negative inputs. */
public final class LeakyRelu extends StagedActivation {
    /** The kernel. */
    public static final LeakyRelu KERNEL = new LeakyRelu();

    private static final VectorSpecies<Float> F = Simd.FLOATS;

    private LeakyRelu() {}

    @Override
    void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
            v.mul(p).blend(v, positive).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] = forwardOne(x[i], p);
        }
    }

    @Override
    float forwardOne(float x, float p) {
        return x > 0f ? x : x * p;
    }

    @Override
    void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += F.length()) {
            VectorMask<Float> positive = FloatVector.fromArray(F, x, i).compare(VectorOperators.GT, 0f);
            FloatVector g = FloatVector.fromArray(F, dy, i);
            g.mul(p).blend(g, positive).intoArray(dy, i);
        }
        for (int i = bound; i < n; i++) {
            dy[i] = backwardOne(x[i], dy[i], p);
        }
    }

    @Override
    float backwardOne(float x, float dy, float p) {
        return x > 0f ? dy : dy * p;
    }
}
