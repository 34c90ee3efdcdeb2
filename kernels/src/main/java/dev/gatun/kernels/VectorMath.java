package dev.gatun.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh and sigmoid on float vectors that give the same bits in every JIT tier, each
 * with a scalar twin that gives the same bits as the vector version lane for lane, and an
 * in-place loop over a float[] range (what kernels call; see the note above the loops).
 *
 * <p>Not {@code lanewise(EXP / LOG / TANH)}: C2 compiles those into calls to the JDK's SVML
 * stubs, while the interpreter and C1 evaluate them per lane with {@code Math.exp} and friends,
 * which round differently in the last ulp. The same kernel then gives different floats early and
 * late in a run, and a run resumed from a checkpoint does not repeat an uninterrupted one. Here
 * everything is lane-wise arithmetic that IEEE 754 and the Vector API define exactly (add, mul,
 * fma, div, compares, blends, integer adds and shifts, bit reinterpretation), so every tier
 * computes the same bits; the scalar twins do the same operations in the same order, with
 * {@code Math.fma} where the vector code uses fma. Where a function has a fast path for the
 * common range and a general one (exp near overflow and underflow, log of 0, subnormals and
 * inf), both give the same bits on the lanes they share, so which one a vector takes never
 * shows.
 *
 * <p>Accuracy against {@code (float) Math.exp(x)} etc. (for sigmoid the double formula),
 * measured on every 101st float of the domain (every 1009th in VectorMathTest, plus dense
 * sweeps where a method switches): exp, log and tanh within 1 ulp, sigmoid within 3 ulp (an exp,
 * an add, a divide and a multiply). Special values follow {@code Math}: NaN gives NaN;
 * exp(+inf) = +inf, exp(-inf) = 0, overflow (x > 88.72) gives +inf, results below
 * {@code Float.MIN_NORMAL} are subnormal (rounded once) down to 0; log(0) = log(-0) = -inf,
 * log(x &lt; 0) = NaN, log(+inf) = +inf, subnormal inputs are exact; tanh(±0) = ±0,
 * tanh(±inf) = ±1. NaN payloads are not specified.
 */
public final class VectorMath {
    // exp: x = n·ln2 + r with |r| <= ln2/2 (ln2 split in two so n·ln2 is subtracted almost
    // exactly), e^x = 2^n · e^r. The polynomial is SLEEF's expf_u10 (a minimax fit of e^r).
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187045e-06f;
    private static final float E5 = 0.000198527617612853646278381f;
    private static final float E4 = 0.00139304355252534151077271f;
    private static final float E3 = 0.00833336077630519866943359f;
    private static final float E2 = 0.0416664853692054748535156f;
    private static final float E1 = 0.166666671633720397949219f;
    private static final float E0 = 0.5f;
    // Up to |x| = 87 every result is a normal float, so 2^n is one exponent field. Beyond, the
    // input is clamped: e^89 overflows and e^-104 rounds to 0, so nothing changes, and n stays in
    // [-150, 128], which 2^(n/2) · 2^(n - n/2) covers with normal floats.
    private static final float EXP_NORMAL = 87f;
    private static final int EXP_MAX = 89;
    private static final int EXP_MIN = -104;
    // 1.5·2^23: adding it rounds x·log2e to an integer (ties to even) in the low mantissa bits.
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;

    // log: x = 2^k · m with m in [sqrt(1/2), sqrt(2)), log x = k·ln2 + log(1 + f), f = m - 1.
    // The polynomial is Cephes' logf; ln2 = LOG_LN2_HI + LOG_LN2_LO, the high part short enough
    // that k·LOG_LN2_HI is exact.
    private static final int SQRT_HALF_BITS = 0x3F3504F3;
    private static final float LOG_LN2_HI = 0.693359375f;
    private static final float LOG_LN2_LO = -2.12194440e-4f;
    private static final float L8 = 7.0376836292e-2f;
    private static final float L7 = -1.1514610310e-1f;
    private static final float L6 = 1.1676998740e-1f;
    private static final float L5 = -1.2420140846e-1f;
    private static final float L4 = 1.4249322787e-1f;
    private static final float L3 = -1.6668057665e-1f;
    private static final float L2 = 2.0000714765e-1f;
    private static final float L1 = -2.4999993993e-1f;
    private static final float L0 = 3.3333331174e-1f;
    private static final float TWO_23 = 8388608f;

    // tanh: below TANH_SMALL, where 1 - e^-2|x| would cancel, Cephes' tanhf polynomial;
    // above it (1 - e)/(1 + e) with e = e^-2|x|, which cannot overflow.
    private static final float TANH_SMALL = 0.625f;
    private static final float T4 = -5.70498872745e-3f;
    private static final float T3 = 2.06390887954e-2f;
    private static final float T2 = -5.37397155531e-2f;
    private static final float T1 = 1.33314422036e-1f;
    private static final float T0 = -3.33332819422e-1f;
    private static final int SIGN = 0x80000000;

    private static final VectorSpecies<Float> F = Simd.FLOATS;

    private VectorMath() {}

    /**
     * e^x lane-wise; the same bits as {@link #exp(float)} on every lane.
     *
     * @param x the argument
     * @return e^x on every lane
     */
    public static FloatVector exp(FloatVector x) {
        if (!x.abs().compare(VectorOperators.LE, EXP_NORMAL).allTrue()) {
            return expWide(x);
        }
        FloatVector t = x.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector p = expReduced(x, n);
        // 2^n: t's low bits hold ROUNDER_BITS + n, and ROUNDER_BITS << 23 vanishes in 32 bits.
        return p.mul(t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /**
     * Scalar twin of {@link #exp(FloatVector)}: the same operations, the same bits.
     *
     * @param x the argument
     * @return e^x
     */
    public static float exp(float x) {
        if (!(Math.abs(x) <= EXP_NORMAL)) {
            return expWide(x);
        }
        float t = Math.fma(x, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        return expReduced(x, n) * Float.intBitsToFloat((Float.floatToRawIntBits(t) + 127) << 23);
    }

    // Where a lane may overflow, underflow into the subnormals or be NaN: the input is clamped
    // to [EXP_MIN, EXP_MAX] and 2^n applied in two normal halves. For a normal result both halves
    // are exact, so such lanes get the same bits as on the fast path.
    private static FloatVector expWide(FloatVector x) {
        FloatVector xc = x.blend(EXP_MIN, x.compare(VectorOperators.LT, EXP_MIN))
                .blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector p = expReduced(xc, t.sub(ROUNDER));
        IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    private static float expWide(float x) {
        float xc = x < EXP_MIN ? EXP_MIN : x > EXP_MAX ? EXP_MAX : x;
        float t = Math.fma(xc, LOG2E, ROUNDER);
        float p = expReduced(xc, t - ROUNDER);
        int ni = Float.floatToRawIntBits(t) - ROUNDER_BITS;
        int n1 = ni >> 1;
        int n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** e^r for r = x - n·ln2, |r| <= ln2/2. */
    private static FloatVector expReduced(FloatVector x, FloatVector n) {
        FloatVector r = n.fma(c(x, -LN2_HI), x);
        r = n.fma(c(x, -LN2_LO), r);
        FloatVector u = r.fma(E5, E4);
        u = u.fma(r, c(x, E3));
        u = u.fma(r, c(x, E2));
        u = u.fma(r, c(x, E1));
        u = u.fma(r, c(x, E0));
        return r.mul(r).fma(u, r).add(1f);
    }

    private static float expReduced(float x, float n) {
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float u = Math.fma(r, E5, E4);
        u = Math.fma(u, r, E3);
        u = Math.fma(u, r, E2);
        u = Math.fma(u, r, E1);
        u = Math.fma(u, r, E0);
        return Math.fma(r * r, u, r) + 1f;
    }

    /**
     * Natural logarithm lane-wise; the same bits as {@link #log(float)} on every lane.
     *
     * @param x the argument
     * @return ln x on every lane
     */
    public static FloatVector log(FloatVector x) {
        // Subnormals are scaled into the normal range first (exactly), and k corrected.
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_23), tiny);
        IntVector ix = xs.reinterpretAsInts();
        IntVector k = ix.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
        FloatVector f = ix.sub(k.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(1f);
        // k as a float without a conversion instruction: k + 1.5·2^23 in the mantissa.
        FloatVector e = k.add(ROUNDER_BITS).reinterpretAsFloats().sub(ROUNDER);
        e = e.lanewise(VectorOperators.SUB, 23f, tiny);
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(L8, L7);
        p = p.fma(f, c(x, L6));
        p = p.fma(f, c(x, L5));
        p = p.fma(f, c(x, L4));
        p = p.fma(f, c(x, L3));
        p = p.fma(f, c(x, L2));
        p = p.fma(f, c(x, L1));
        p = p.fma(f, c(x, L0));
        FloatVector y = z.mul(f).mul(p);
        y = e.fma(c(x, LOG_LN2_LO), y);
        y = z.fma(c(x, -0.5f), y);
        FloatVector l = e.fma(c(x, LOG_LN2_HI), f.add(y));
        l = l.blend(c(x, Float.POSITIVE_INFINITY), x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        l = l.blend(c(x, Float.NEGATIVE_INFINITY), x.compare(VectorOperators.EQ, 0f));
        return l.blend(c(x, Float.NaN), x.compare(VectorOperators.GE, 0f).not());
    }

    /**
     * Scalar twin of {@link #log(FloatVector)}: the same operations, the same bits.
     *
     * @param x the argument
     * @return ln x
     */
    public static float log(float x) {
        if (!(x >= 0f)) {
            return Float.NaN;
        }
        if (x == 0f) {
            return Float.NEGATIVE_INFINITY;
        }
        if (x == Float.POSITIVE_INFINITY) {
            return x;
        }
        boolean tiny = x < Float.MIN_NORMAL;
        int ix = Float.floatToRawIntBits(tiny ? x * TWO_23 : x);
        int k = (ix - SQRT_HALF_BITS) >> 23;
        float f = Float.intBitsToFloat(ix - (k << 23)) - 1f;
        float e = Float.intBitsToFloat(k + ROUNDER_BITS) - ROUNDER;
        if (tiny) {
            e = e - 23f;
        }
        float z = f * f;
        float p = Math.fma(f, L8, L7);
        p = Math.fma(p, f, L6);
        p = Math.fma(p, f, L5);
        p = Math.fma(p, f, L4);
        p = Math.fma(p, f, L3);
        p = Math.fma(p, f, L2);
        p = Math.fma(p, f, L1);
        p = Math.fma(p, f, L0);
        float y = z * f * p;
        y = Math.fma(e, LOG_LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        return Math.fma(e, LOG_LN2_HI, f + y);
    }

    /**
     * Hyperbolic tangent lane-wise; the same bits as {@link #tanh(float)} on every lane.
     *
     * @param x the argument
     * @return tanh x on every lane
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector e = exp(a.mul(-2f));
        FloatVector big = c(x, 1f).sub(e).div(e.add(1f));
        FloatVector z = a.mul(a);
        FloatVector p = z.fma(T4, T3);
        p = p.fma(z, c(x, T2));
        p = p.fma(z, c(x, T1));
        p = p.fma(z, c(x, T0));
        FloatVector small = p.mul(z).fma(a, a);
        FloatVector t = big.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        // The sign goes back on as a bit, so tanh(-0) = -0.
        IntVector sign = x.reinterpretAsInts().and(SIGN);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /**
     * Scalar twin of {@link #tanh(FloatVector)}: the same operations, the same bits.
     *
     * @param x the argument
     * @return tanh x
     */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float t;
        if (a < TANH_SMALL) {
            float z = a * a;
            float p = Math.fma(z, T4, T3);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T1);
            p = Math.fma(p, z, T0);
            t = Math.fma(p * z, a, a);
        } else {
            float e = exp(a * -2f);
            t = (1f - e) / (e + 1f);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN));
    }

    /**
     * The logistic function 1 / (1 + e^-x) lane-wise, through e = e^-|x| in (0, 1], so it neither
     * overflows nor loses small outputs: 1/(1 + e) for x >= 0, e/(1 + e) below. The same bits
     * as {@link #sigmoid(float)} on every lane.
     *
     * @param x the argument
     * @return 1 / (1 + e^-x) on every lane
     */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector r = c(x, 1f).div(e.add(1f));
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, 0f));
    }

    /**
     * Scalar twin of {@link #sigmoid(FloatVector)}: the same operations, the same bits.
     *
     * @param x the argument
     * @return 1 / (1 + e^-x)
     */
    public static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float r = 1f / (e + 1f);
        return x < 0f ? e * r : r;
    }

    // The array versions below are what kernels call. Each spells out its arithmetic in one
    // loop body instead of calling the vector functions above: C2 does not always inline a
    // user method that takes and returns vectors (it gives up in big callers such as the LSTM
    // row), and a call that is not inlined boxes every vector, about 10x slower. A method that
    // takes arrays costs nothing when it is not inlined. Vectors with a lane outside the fast
    // path's range (overflow, subnormal results, NaN, inf) go through the vector functions
    // above, which give the same bits on the lanes the fast path would have handled.

    /**
     * {@code buf[i] = e^buf[i]} for i in [from, from + n); the same bits as {@link #exp(float)}.
     *
     * @param buf the values, overwritten with the results
     * @param from the index of the first element
     * @param n the number of elements
     */
    public static void exp(float[] buf, int from, int n) {
        expShifted(buf, from, n, 0f);
    }

    /**
     * {@code buf[i] = e^(buf[i] - shift)} for i in [from, from + n): a float subtraction, then
     * the same bits as {@link #exp(float)}. (x - 0 is x, bit for bit, for every float.)
     *
     * @param buf the values, overwritten with the results
     * @param from the index of the first element
     * @param n the number of elements
     * @param shift subtracted from every element before the exponential
     */
    public static void expShifted(float[] buf, int from, int n, float shift) {
        FloatVector s = FloatVector.broadcast(F, shift);
        FloatVector ln2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector e3 = FloatVector.broadcast(F, E3);
        FloatVector e2 = FloatVector.broadcast(F, E2);
        FloatVector e1 = FloatVector.broadcast(F, E1);
        FloatVector e0 = FloatVector.broadcast(F, E0);
        int lanes = F.length();
        int end = from + n;
        int i = from;
        // Two vectors a step, so their chains of dependent fmas overlap.
        for (; i + 2 * lanes <= end; i += 2 * lanes) {
            FloatVector x0 = FloatVector.fromArray(F, buf, i).sub(s);
            FloatVector x1 = FloatVector.fromArray(F, buf, i + lanes).sub(s);
            if (!x0.abs().compare(VectorOperators.LE, EXP_NORMAL).and(x1.abs().compare(VectorOperators.LE, EXP_NORMAL)).allTrue()) {
                exp(x0).intoArray(buf, i);
                exp(x1).intoArray(buf, i + lanes);
                continue;
            }
            FloatVector t0 = x0.fma(LOG2E, ROUNDER);
            FloatVector t1 = x1.fma(LOG2E, ROUNDER);
            FloatVector m0 = t0.sub(ROUNDER);
            FloatVector m1 = t1.sub(ROUNDER);
            FloatVector r0 = m0.fma(ln2Hi, x0);
            FloatVector r1 = m1.fma(ln2Hi, x1);
            r0 = m0.fma(ln2Lo, r0);
            r1 = m1.fma(ln2Lo, r1);
            FloatVector u0 = r0.fma(E5, E4);
            FloatVector u1 = r1.fma(E5, E4);
            u0 = u0.fma(r0, e3);
            u1 = u1.fma(r1, e3);
            u0 = u0.fma(r0, e2);
            u1 = u1.fma(r1, e2);
            u0 = u0.fma(r0, e1);
            u1 = u1.fma(r1, e1);
            u0 = u0.fma(r0, e0);
            u1 = u1.fma(r1, e0);
            r0.mul(r0).fma(u0, r0).add(1f)
                    .mul(t0.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .intoArray(buf, i);
            r1.mul(r1).fma(u1, r1).add(1f)
                    .mul(t1.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .intoArray(buf, i + lanes);
        }
        if (i + lanes <= end) {
            exp(FloatVector.fromArray(F, buf, i).sub(s)).intoArray(buf, i);
            i += lanes;
        }
        for (; i < end; i++) {
            buf[i] = exp(buf[i] - shift);
        }
    }

    /**
     * {@code buf[i] = log(buf[i])} for i in [from, from + n); the same bits as {@link #log(float)}.
     *
     * @param buf the values, overwritten with the results
     * @param from the index of the first element
     * @param n the number of elements
     */
    public static void log(float[] buf, int from, int n) {
        FloatVector l6 = FloatVector.broadcast(F, L6);
        FloatVector l5 = FloatVector.broadcast(F, L5);
        FloatVector l4 = FloatVector.broadcast(F, L4);
        FloatVector l3 = FloatVector.broadcast(F, L3);
        FloatVector l2 = FloatVector.broadcast(F, L2);
        FloatVector l1 = FloatVector.broadcast(F, L1);
        FloatVector l0 = FloatVector.broadcast(F, L0);
        FloatVector ln2Lo = FloatVector.broadcast(F, LOG_LN2_LO);
        FloatVector ln2Hi = FloatVector.broadcast(F, LOG_LN2_HI);
        FloatVector minusHalf = FloatVector.broadcast(F, -0.5f);
        int i = from;
        for (int bound = from + F.loopBound(n); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, buf, i);
            if (!x.compare(VectorOperators.GE, Float.MIN_NORMAL).and(x.compare(VectorOperators.LE, Float.MAX_VALUE)).allTrue()) {
                log(x).intoArray(buf, i);
                continue;
            }
            IntVector ix = x.reinterpretAsInts();
            IntVector k = ix.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
            FloatVector f = ix.sub(k.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(1f);
            FloatVector e = k.add(ROUNDER_BITS).reinterpretAsFloats().sub(ROUNDER);
            FloatVector z = f.mul(f);
            FloatVector p = f.fma(L8, L7);
            p = p.fma(f, l6);
            p = p.fma(f, l5);
            p = p.fma(f, l4);
            p = p.fma(f, l3);
            p = p.fma(f, l2);
            p = p.fma(f, l1);
            p = p.fma(f, l0);
            FloatVector y = z.mul(f).mul(p);
            y = e.fma(ln2Lo, y);
            y = z.fma(minusHalf, y);
            e.fma(ln2Hi, f.add(y)).intoArray(buf, i);
        }
        for (; i < from + n; i++) {
            buf[i] = log(buf[i]);
        }
    }

    /**
     * {@code buf[i] = tanh(buf[i])} for i in [from, from + n); the same bits as {@link #tanh(float)}.
     *
     * @param buf the values, overwritten with the results
     * @param from the index of the first element
     * @param n the number of elements
     */
    public static void tanh(float[] buf, int from, int n) {
        FloatVector ln2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector e3 = FloatVector.broadcast(F, E3);
        FloatVector e2 = FloatVector.broadcast(F, E2);
        FloatVector e1 = FloatVector.broadcast(F, E1);
        FloatVector e0 = FloatVector.broadcast(F, E0);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector t2 = FloatVector.broadcast(F, T2);
        FloatVector t1 = FloatVector.broadcast(F, T1);
        FloatVector t0 = FloatVector.broadcast(F, T0);
        int i = from;
        for (int bound = from + F.loopBound(n); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, buf, i);
            FloatVector a = x.abs();
            if (!a.compare(VectorOperators.LE, EXP_NORMAL / 2).allTrue()) {
                tanh(x).intoArray(buf, i);
                continue;
            }
            FloatVector arg = a.mul(-2f);
            FloatVector t = arg.fma(LOG2E, ROUNDER);
            FloatVector m = t.sub(ROUNDER);
            FloatVector r = m.fma(ln2Hi, arg);
            r = m.fma(ln2Lo, r);
            FloatVector u = r.fma(E5, E4);
            u = u.fma(r, e3);
            u = u.fma(r, e2);
            u = u.fma(r, e1);
            u = u.fma(r, e0);
            FloatVector e = r.mul(r).fma(u, r).add(1f)
                    .mul(t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector big = one.sub(e).div(e.add(1f));
            FloatVector z = a.mul(a);
            FloatVector p = z.fma(T4, T3);
            p = p.fma(z, t2);
            p = p.fma(z, t1);
            p = p.fma(z, t0);
            FloatVector small = p.mul(z).fma(a, a);
            FloatVector th = big.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
            th.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats().intoArray(buf, i);
        }
        for (; i < from + n; i++) {
            buf[i] = tanh(buf[i]);
        }
    }

    /**
     * {@code buf[i] = σ(buf[i])} for i in [from, from + n); the same bits as {@link #sigmoid(float)}.
     *
     * @param buf the values, overwritten with the results
     * @param from the index of the first element
     * @param n the number of elements
     */
    public static void sigmoid(float[] buf, int from, int n) {
        FloatVector ln2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector e3 = FloatVector.broadcast(F, E3);
        FloatVector e2 = FloatVector.broadcast(F, E2);
        FloatVector e1 = FloatVector.broadcast(F, E1);
        FloatVector e0 = FloatVector.broadcast(F, E0);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = from;
        for (int bound = from + F.loopBound(n); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, buf, i);
            FloatVector a = x.abs();
            if (!a.compare(VectorOperators.LE, EXP_NORMAL).allTrue()) {
                sigmoid(x).intoArray(buf, i);
                continue;
            }
            FloatVector arg = a.neg();
            FloatVector t = arg.fma(LOG2E, ROUNDER);
            FloatVector m = t.sub(ROUNDER);
            FloatVector r = m.fma(ln2Hi, arg);
            r = m.fma(ln2Lo, r);
            FloatVector u = r.fma(E5, E4);
            u = u.fma(r, e3);
            u = u.fma(r, e2);
            u = u.fma(r, e1);
            u = u.fma(r, e0);
            FloatVector e = r.mul(r).fma(u, r).add(1f)
                    .mul(t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector q = one.div(e.add(1f));
            q.blend(e.mul(q), x.compare(VectorOperators.LT, 0f)).intoArray(buf, i);
        }
        for (; i < from + n; i++) {
            buf[i] = sigmoid(buf[i]);
        }
    }

    private static FloatVector c(FloatVector like, float value) {
        return FloatVector.broadcast(like.species(), value);
    }
}
