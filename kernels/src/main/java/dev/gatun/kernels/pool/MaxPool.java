package dev.gatun.kernels.pool;

import static dev.gatun.kernels.pool.PairLanes.F;
import static dev.gatun.kernels.pool.PairLanes.I;
import static dev.gatun.kernels.pool.PairLanes.L;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/*
 * 2-D max pooling over contiguous planes (see PoolShape).
 *   forward:  x[planes, inH, inW] -> y[planes, outH, outW], arg[planes, outH, outW] (int32)
 *             y = max over the window; arg = h·inW + w of the first maximum in row-major window
 *             order. Padding never wins (it is skipped, not -inf). A NaN wins over numbers and
 *             the first NaN wins over later ones, so NaN propagates.
 *   backward: dy[planes, outH, outW], arg -> dx[planes, inH, inW]    dx[arg] += dy (dx zeroed first)
 *
 * Scan rule, shared by both versions: best starts at -inf with the window's first element's
 * index; an element replaces it iff !(v <= best) and best is not NaN.
 *
 * The vector version has a fast path for 2×2 windows, stride 2, no padding (the CNN case):
 * output lane j of a row reads input columns 2j, 2j+1 of two rows. Four vectors (2·L columns ×
 * 2 rows) are split into even and odd columns by lane permutes (PairLanes), each row's pair is
 * decided first (the pair is consecutive in window order, so "first maximum" is a plain
 * lane-wise select), then the two rows. Planes are staged through heap arrays so that short
 * rows and row ends are whole vectors too (see forwardPlaneTwoByTwo). Backward of that path
 * compares arg with the four candidate positions and writes whole dx rows through the inverse
 * permutes: the windows are disjoint, so nothing is accumulated. Other geometries run the
 * scalar loops, threaded over planes. Both versions give bit-identical results (max is exact;
 * the adds in backward happen in the same order).
 *
 * Measured (Zen 3, one thread, under load from other jobs): forward on 64×32×28×28 about 10x
 * the twin, on 64×64×14×14 about 5x. Backward is memory-bound (the twin's zero fill plus
 * scatter already streams at ~14 GB/s): the vector path is 1.0-1.2x, kept for its threading.
 */
/** 2-D max pooling over contiguous planes, with the argmax, and its gradient. */
public final class MaxPool {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final long PARALLEL_MIN = 1 << 15;

    private MaxPool() {}

    /**
     * Max pooling of every plane of x into y, with the argmax indices into arg.
     *
     * @param s the pooling's sizes
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param arg receives the index h·inW + w of each output's first maximum in its input plane,
     *     int32 [planes, outH, outW]
     * @param argOff offset of arg's first element, in int32 elements
     */
    public static void forward(PoolShape s, MemorySegment x, long xOff, MemorySegment y, long yOff,
                               MemorySegment arg, long argOff) {
        if (!Simd.ENABLED) {
            forwardScalar(s, x, xOff, y, yOff, arg, argOff);
            return;
        }
        checkForward(s, x, xOff, y, yOff, arg, argOff);
        eachPlane(s, (p, st) -> {
            long xp = xOff + p * s.inPlane();
            long yp = yOff + p * s.outPlane();
            long ap = argOff + p * s.outPlane();
            if (st != null) {
                forwardPlaneTwoByTwo(s, x, xp, y, yp, arg, ap, st);
            } else {
                forwardPlane(s, x, xp, y, yp, arg, ap);
            }
        });
    }

    /**
     * Scalar twin of {@link #forward}: the same scan, one window at a time, one thread.
     *
     * @param s the pooling's sizes
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param arg receives the index h·inW + w of each output's first maximum in its input plane,
     *     int32 [planes, outH, outW]
     * @param argOff offset of arg's first element, in int32 elements
     */
    public static void forwardScalar(PoolShape s, MemorySegment x, long xOff, MemorySegment y, long yOff,
                                     MemorySegment arg, long argOff) {
        checkForward(s, x, xOff, y, yOff, arg, argOff);
        for (int p = 0; p < s.planes(); p++) {
            forwardPlane(s, x, xOff + p * s.inPlane(), y, yOff + p * s.outPlane(), arg, argOff + p * s.outPlane());
        }
    }

    /**
     * dx = 0, then dx[plane, arg] += dy for every output; arg must come from {@link #forward}.
     *
     * @param s the pooling's sizes
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param arg the index h·inW + w of each output's maximum in its input plane, int32 [planes,
     *     outH, outW]
     * @param argOff offset of arg's first element, in int32 elements
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backward(PoolShape s, MemorySegment dy, long dyOff, MemorySegment arg, long argOff,
                                MemorySegment dx, long dxOff) {
        if (!Simd.ENABLED) {
            backwardScalar(s, dy, dyOff, arg, argOff, dx, dxOff);
            return;
        }
        checkBackward(s, dy, dyOff, arg, argOff, dx, dxOff);
        eachPlane(s, (p, st) -> {
            long dyp = dyOff + p * s.outPlane();
            long ap = argOff + p * s.outPlane();
            long dxp = dxOff + p * s.inPlane();
            if (st != null) {
                backwardPlaneTwoByTwo(s, dy, dyp, arg, ap, dx, dxp, st);
            } else {
                backwardPlane(s, dy, dyp, arg, ap, dx, dxp);
            }
        });
    }

    /**
     * Scalar twin of {@link #backward}.
     *
     * @param s the pooling's sizes
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param arg the index h·inW + w of each output's maximum in its input plane, int32 [planes,
     *     outH, outW]
     * @param argOff offset of arg's first element, in int32 elements
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backwardScalar(PoolShape s, MemorySegment dy, long dyOff, MemorySegment arg, long argOff,
                                      MemorySegment dx, long dxOff) {
        checkBackward(s, dy, dyOff, arg, argOff, dx, dxOff);
        for (int p = 0; p < s.planes(); p++) {
            backwardPlane(s, dy, dyOff + p * s.outPlane(), arg, argOff + p * s.outPlane(), dx, dxOff + p * s.inPlane());
        }
    }

    // ---- scalar plane loops (the twin, and the vector version's general path) ------------------

    private static void forwardPlane(PoolShape s, MemorySegment x, long xp, MemorySegment y, long yp,
                                     MemorySegment arg, long ap) {
        int outH = s.outH();
        int outW = s.outW();
        for (int oh = 0; oh < outH; oh++) {
            int h0 = Math.max(s.rowStart(oh), 0);
            int h1 = Math.min(s.rowStart(oh) + s.kernelH(), s.inH());
            for (int ow = 0; ow < outW; ow++) {
                int w0 = Math.max(s.colStart(ow), 0);
                int w1 = Math.min(s.colStart(ow) + s.kernelW(), s.inW());
                float best = Float.NEGATIVE_INFINITY;
                int bestAt = h0 * s.inW() + w0;
                for (int h = h0; h < h1; h++) {
                    for (int w = w0; w < w1; w++) {
                        int at = h * s.inW() + w;
                        float v = x.getAtIndex(FLOAT, xp + at);
                        if (!(v <= best) && best == best) {
                            best = v;
                            bestAt = at;
                        }
                    }
                }
                long o = (long) oh * outW + ow;
                y.setAtIndex(FLOAT, yp + o, best);
                arg.setAtIndex(INT, ap + o, bestAt);
            }
        }
    }

    private static void backwardPlane(PoolShape s, MemorySegment dy, long dyp, MemorySegment arg, long ap,
                                      MemorySegment dx, long dxp) {
        dx.asSlice(dxp * Float.BYTES, s.inPlane() * Float.BYTES).fill((byte) 0);
        long n = s.outPlane();
        long inPlane = s.inPlane();
        for (long o = 0; o < n; o++) {
            int at = arg.getAtIndex(INT, ap + o);
            if (at < 0 || at >= inPlane) {
                throw new IllegalArgumentException("arg[" + (ap + o) + "] = " + at + " is outside the input plane of "
                        + inPlane + " elements");
            }
            dx.setAtIndex(FLOAT, dxp + at, dx.getAtIndex(FLOAT, dxp + at) + dy.getAtIndex(FLOAT, dyp + o));
        }
    }

    // ---- 2×2 stride-2 vector paths ------------------------------------------------------------

    // Each plane goes through heap staging arrays (Staging) so that every step is a whole
    // vector: rows of at least L outputs end with a vector overlapping the one before, shorter
    // rows (14 wide at 256 bits) read past their end into the next row or the padding, and
    // write past it into space the next row overwrites (or that is never copied out). Masked
    // loads and stores instead, and F.indexInRange, measured several times slower than the
    // scalar twin on 14-wide planes. The window step is its own small method with one call
    // site: C2 then inlines it, where one large method was left to C1 and boxed every vector.

    private static void forwardPlaneTwoByTwo(PoolShape s, MemorySegment x, long xp, MemorySegment y, long yp,
                                             MemorySegment arg, long ap, Staging st) {
        int inW = s.inW();
        int outW = s.outW();
        int outPlane = (int) s.outPlane();
        MemorySegment.copy(x, FLOAT, xp * Float.BYTES, st.in, 0, (int) s.inPlane());
        for (int oh = 0; oh < s.outH(); oh++) {
            int r0 = 2 * oh * inW;
            int o = oh * outW;
            for (int next = 0; next < outW; next += L) {
                int ow = outW < L ? 0 : Math.min(next, outW - L);
                windowMax(st.in, r0 + 2 * ow, inW, st.out, st.index, o + ow);
            }
        }
        MemorySegment.copy(st.out, 0, y, FLOAT, yp * Float.BYTES, outPlane);
        MemorySegment.copy(st.index, 0, arg, INT, ap * Integer.BYTES, outPlane);
    }

    /**
     * L windows whose first top-left element is in[at] (= its plane index): the top row's 2·L
     * columns start there, the bottom row's inW later. Maxima go to out[o], indices to index[o].
     */
    private static void windowMax(float[] in, int at, int inW, float[] out, int[] index, int o) {
        FloatVector a0 = FloatVector.fromArray(F, in, at);
        FloatVector a1 = FloatVector.fromArray(F, in, at + L);
        FloatVector b0 = FloatVector.fromArray(F, in, at + inW);
        FloatVector b1 = FloatVector.fromArray(F, in, at + inW + L);
        FloatVector e0 = PairLanes.evens(a0, a1);
        FloatVector o0 = PairLanes.odds(a0, a1);
        FloatVector e1 = PairLanes.evens(b0, b1);
        FloatVector o1 = PairLanes.odds(b0, b1);
        VectorMask<Float> right0 = replaces(o0, e0);
        VectorMask<Float> right1 = replaces(o1, e1);
        FloatVector top = e0.blend(o0, right0);
        FloatVector bottom = e1.blend(o1, right1);
        VectorMask<Float> lower = replaces(bottom, top);
        top.blend(bottom, lower).intoArray(out, o);
        IntVector zero = IntVector.zero(I);
        IntVector topAt = zero.blend(1, right0.cast(I));
        IntVector bottomAt = zero.blend(1, right1.cast(I)).add(inW);
        topAt.blend(bottomAt, lower.cast(I)).add(PairLanes.TWICE_IOTA).add(at).intoArray(index, o);
    }

    /** Lanes where the later candidate v replaces the earlier best: !(v <= best) and best is not NaN. */
    private static VectorMask<Float> replaces(FloatVector v, FloatVector best) {
        return best.compare(VectorOperators.EQ, best).andNot(v.compare(VectorOperators.LE, best));
    }

    private static void backwardPlaneTwoByTwo(PoolShape s, MemorySegment dy, long dyp, MemorySegment arg, long ap,
                                              MemorySegment dx, long dxp, Staging st) {
        int inW = s.inW();
        int outW = s.outW();
        int outPlane = (int) s.outPlane();
        MemorySegment.copy(dy, FLOAT, dyp * Float.BYTES, st.out, 0, outPlane);
        MemorySegment.copy(arg, INT, ap * Integer.BYTES, st.index, 0, outPlane);
        for (int oh = 0; oh < s.outH(); oh++) {
            int r0 = 2 * oh * inW;
            int o = oh * outW;
            for (int next = 0; next < outW; next += L) {
                int ow = outW < L ? 0 : Math.min(next, outW - L);
                windowScatter(st.out, st.index, o + ow, r0 + 2 * ow, inW, st.in);
            }
        }
        st.clearUncovered(s);
        MemorySegment.copy(st.in, 0, dx, FLOAT, dxp * Float.BYTES, (int) s.inPlane());
    }

    /**
     * L windows' gradients g[o...] with their argmax index[o...]: writes the 2·L × 2 block of dx
     * whose top-left is dx[at] (= its plane index), g where the argmax is, 0 elsewhere.
     */
    private static void windowScatter(float[] g, int[] index, int o, int at, int inW, float[] dx) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector gv = FloatVector.fromArray(F, g, o);
        IntVector rel = IntVector.fromArray(I, index, o).sub(PairLanes.TWICE_IOTA).sub(at);
        FloatVector e0 = zero.blend(gv, rel.compare(VectorOperators.EQ, 0).cast(F));
        FloatVector o0 = zero.blend(gv, rel.compare(VectorOperators.EQ, 1).cast(F));
        FloatVector e1 = zero.blend(gv, rel.compare(VectorOperators.EQ, inW).cast(F));
        FloatVector o1 = zero.blend(gv, rel.compare(VectorOperators.EQ, inW + 1).cast(F));
        PairLanes.interleaveLow(e0, o0).intoArray(dx, at);
        PairLanes.interleaveHigh(e0, o0).intoArray(dx, at + L);
        PairLanes.interleaveLow(e1, o1).intoArray(dx, at + inW);
        PairLanes.interleaveHigh(e1, o1).intoArray(dx, at + inW + L);
    }

    /** Per-thread heap buffers for one plane of the 2×2 paths, padded for whole-vector overruns. */
    static final class Staging {
        final float[] in;
        final float[] out;
        final int[] index;

        Staging(PoolShape s) {
            in = new float[(int) s.inPlane() + 2 * L];
            out = new float[(int) s.outPlane() + L];
            index = new int[(int) s.outPlane() + L];
        }

        /** Zeros the odd last column and row of the input plane in {@code in}: they lie in no 2×2 window. */
        void clearUncovered(PoolShape s) {
            int inW = s.inW();
            if ((inW & 1) != 0) {
                for (int h = 0; h < s.inH(); h++) {
                    in[h * inW + inW - 1] = 0f;
                }
            }
            if ((s.inH() & 1) != 0) {
                java.util.Arrays.fill(in, (s.inH() - 1) * inW, s.inH() * inW, 0f);
            }
        }
    }

    // ---- threading and checks -------------------------------------------------------------------

    /** Work on planes [from, to). */
    interface PlaneRange {
        void run(int from, int to);
    }

    /** Work on one plane; {@code staging} is the thread's 2×2 staging, null off the 2×2 stride-2 path. */
    @FunctionalInterface
    interface PlaneBody {
        void run(int plane, Staging staging);
    }

    /**
     * Runs {@code body} for every plane, threaded by {@link #forPlanes}; each thread gets its own
     * {@link Staging} when the geometry takes the 2×2 vector path.
     */
    static void eachPlane(PoolShape s, PlaneBody body) {
        boolean pairs = s.isTwoByTwo();
        forPlanes(s, (from, to) -> {
            Staging st = pairs ? new Staging(s) : null;
            for (int p = from; p < to; p++) {
                body.run(p, st);
            }
        });
    }

    /** Splits the planes evenly over the threads when the work is large enough. */
    private static void forPlanes(PoolShape s, PlaneRange body) {
        int planes = s.planes();
        long work = (long) planes * Math.max(s.inPlane(), s.outPlane());
        if (work < PARALLEL_MIN || planes < 2 || Parallel.THREADS == 1) {
            body.run(0, planes);
            return;
        }
        int tasks = Math.min(planes, Parallel.THREADS);
        int per = (planes + tasks - 1) / tasks;
        Parallel.forEach(tasks, t -> body.run(Math.min(planes, t * per), Math.min(planes, (t + 1) * per)));
    }

    private static void checkForward(PoolShape s, MemorySegment x, long xOff, MemorySegment y, long yOff,
                                     MemorySegment arg, long argOff) {
        s.checkInput("x", x, xOff);
        s.checkOutput("y", y, yOff);
        s.checkIndices("arg", arg, argOff);
    }

    private static void checkBackward(PoolShape s, MemorySegment dy, long dyOff, MemorySegment arg, long argOff,
                                      MemorySegment dx, long dxOff) {
        s.checkOutput("dy", dy, dyOff);
        s.checkIndices("arg", arg, argOff);
        s.checkInput("dx", dx, dxOff);
    }
}
