package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * GELU, tanh approximation (PyTorch's approximate='tanh'), in PyTorch's operation order:
 *   forward:  x[n] -> y[n]             u = √(2/π)·(x + 0.044715·x³),  y = x/2 · (1 + tanh(u))
 *   backward: x[n], dy[n] -> dx[n]     dx = dy · (½(1 + t) + ½x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²)),
 *                                      t = tanh(u)
 *
 * Float arithmetic with VectorMath.tanh (within 1 ulp); the vector and scalar versions do the
 * same operations in the same order, so they agree bit for bit. The parameter p is ignored.
 */
/** GELU with the tanh approximation (PyTorch's approximate='tanh'); the parameter p is ignored. */
public final class GeluTanh extends StagedActivation {
    /** The kernel. */
    public static final GeluTanh KERNEL = new GeluTanh();

    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final float BETA = (float) Math.sqrt(2 / Math.PI);
    private static final float KAPPA = 0.044715f;

    private GeluTanh() {}

    /** {@code t[i] = tanh(√(2/π)·(x[i] + 0.044715·x[i]³))} for i below bound, a multiple of the vector length. */
    private static void innerTanh(float[] x, float[] t, int bound) {
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            v.add(v.mul(v).mul(v).mul(KAPPA)).mul(BETA).intoArray(t, i);
        }
        VectorMath.tanh(t, 0, bound);
    }

    @Override
    void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p) {
        int bound = F.loopBound(n);
        innerTanh(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector t = FloatVector.fromArray(F, s1, i);
            v.mul(0.5f).mul(t.add(1f)).intoArray(x, i);
        }
        for (int i = bound; i < n; i++) {
            x[i] = forwardOne(x[i], p);
        }
    }

    @Override
    float forwardOne(float x, float p) {
        float t = VectorMath.tanh(BETA * (x + KAPPA * (x * x * x)));
        return 0.5f * x * (1f + t);
    }

    @Override
    void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int bound = F.loopBound(n);
        innerTanh(x, s1, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector t = FloatVector.fromArray(F, s1, i);
            FloatVector left = v.mul(0.5f);
            FloatVector leftDerivative = t.add(1f).mul(0.5f);
            FloatVector tanhDerivative = one.sub(t.mul(t));
            FloatVector innerDerivative = v.mul(v).mul(3f * KAPPA).add(1f).mul(BETA);
            FloatVector rightDerivative = left.mul(tanhDerivative).mul(innerDerivative);
            FloatVector.fromArray(F, dy, i).mul(leftDerivative.add(rightDerivative)).intoArray(dy, i);
        }
        for (int i = bound; i < n; i++) {
            dy[i] = backwardOne(x[i], dy[i], p);
        }
    }

    @Override
    float backwardOne(float x, float dy, float p) {
        float t = VectorMath.tanh(BETA * (x + KAPPA * (x * x * x)));
        float left = 0.5f * x;
        float leftDerivative = 0.5f * (1f + t);
        float tanhDerivative = 1f - t * t;
        float innerDerivative = BETA * (1f + 3f * KAPPA * (x * x));
        float rightDerivative = left * tanhDerivative * innerDerivative;
        return dy * (leftDerivative + rightDerivative);
    }
}
