package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Erf;

/*
 * GELU, exact (PyTorch's approximate='none'), with Φ the standard normal CDF and φ its density:
 *   forward:  x[n] -> y[n]             y  = x·Φ(x) = x/2 · erfc(-x/√2)
 *   backward: x[n], dy[n] -> dx[n]     dx = dy · (Φ(x) + x·φ(x)),  φ(x) = e^{-x²/2}/√(2π)
 *
 * No vector kernel: the Vector API has no erf, and a float erf accurate in the tails is a
 * project of its own. Both versions are the same scalar loop in double precision through Erf
 * (Cody's erfc), rounded once to float, so they agree bit for bit and are within 0.5 ulp plus
 * Erf's few double ulps of the exact value; the driver still splits large arrays over the
 * threads. erfc(-x/√2) rather than PyTorch's literal 1 + erf(x/√2), which cancels to 0 for
 * x below about -8 where the true value is a tiny negative number: the same function, more
 * accurately. The parameter p is ignored.
 */
/** Exact GELU, x·Φ(x) (PyTorch's approximate='none'); the parameter p is ignored. */
public final class Gelu extends StagedActivation {
    /** The kernel. */
    public static final Gelu KERNEL = new Gelu();

    static final double SQRT1_2 = 0.7071067811865476;
    static final double INV_SQRT_2PI = 0.3989422804014327;

    private Gelu() {}

    @Override
    void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p) {
        for (int i = 0; i < n; i++) {
            x[i] = forwardOne(x[i], p);
        }
    }

    @Override
    float forwardOne(float x, float p) {
        double v = x;
        return (float) (0.5 * v * Erf.erfc(-v * SQRT1_2));
    }

    @Override
    void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p) {
        for (int i = 0; i < n; i++) {
            dy[i] = backwardOne(x[i], dy[i], p);
        }
    }

    @Override
    float backwardOne(float x, float dy, float p) {
        double v = x;
        double cdf = 0.5 * Erf.erfc(-v * SQRT1_2);
        double pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
        return (float) (dy * (cdf + v * pdf));
    }
}
