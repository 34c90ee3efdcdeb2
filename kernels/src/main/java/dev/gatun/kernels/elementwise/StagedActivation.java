package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/*
 * The shared driver of the activations with an optional parameter p (leaky ReLU's slope, ELU's
 * alpha), one subclass each:
 *   forward:  x[n] -> y[n]             y  = f(x; p)
 *   backward: x[n], dy[n] -> dx[n]     dx = dy * f'(x; p)
 *
 * A subclass gives a block version (vector code over float[] blocks) and a per-element scalar
 * twin that computes the same bits. The driver checks bounds, splits large arrays over the
 * kernel threads and stages blocks of 1024 through float[]s, because VectorMath's transcendental
 * loops work on arrays (see StagedMath). The scalar entry points run the twins one element at a
 * time, on one thread. Outputs may alias inputs at the same offset: a block is read whole before
 * it is written.
 */
/** An activation f(x; p) with an optional parameter p, forward and backward, with scalar twins. */
public abstract class StagedActivation {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final long PARALLEL_MIN = 1 << 16;
    private static final int STAGE = 1024;

    StagedActivation() {}

    /** x[i] = f(x[i]; p) for i < n, vector code; s1 and s2 are scratch of at least n floats. */
    abstract void forwardBlock(float[] x, float[] s1, float[] s2, int n, float p);

    /** f(x; p): the scalar twin of {@link #forwardBlock}, the same bits lane for lane. */
    abstract float forwardOne(float x, float p);

    /** dy[i] = dy[i] * f'(x[i]; p) for i < n, vector code; s1 is scratch of at least n floats. */
    abstract void backwardBlock(float[] x, float[] dy, float[] s1, int n, float p);

    /** dy * f'(x; p): the scalar twin of {@link #backwardBlock}. */
    abstract float backwardOne(float x, float dy, float p);

    /** {@code into[i] = e^x[i]} for {@code i < n}, VectorMath's bits. */
    static void expInto(float[] x, float[] into, int n) {
        System.arraycopy(x, 0, into, 0, n);
        VectorMath.exp(into, 0, n);
    }

    /** {@code into[i] = σ(x[i])} for {@code i < n}, VectorMath's bits. */
    static void sigmoidInto(float[] x, float[] into, int n) {
        System.arraycopy(x, 0, into, 0, n);
        VectorMath.sigmoid(into, 0, n);
    }

    /**
     * {@code y[i] = f(x[i]; p)} for {@code i < n}.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param p the activation's parameter (leaky ReLU's slope, ELU's alpha); ignored by the others
     */
    public final void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n, float p) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n, p);
            return;
        }
        check("x", x, xOff, "y", y, yOff, null, null, 0, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) -> {
            long len = end - start;
            int cap = (int) Math.min(len, STAGE);
            float[] buf = new float[cap];
            float[] s1 = new float[cap];
            float[] s2 = new float[cap];
            for (long done = 0; done < len; done += STAGE) {
                int k = (int) Math.min(STAGE, len - done);
                MemorySegment.copy(x, FLOAT, (xOff + start + done) * Float.BYTES, buf, 0, k);
                forwardBlock(buf, s1, s2, k, p);
                MemorySegment.copy(buf, 0, y, FLOAT, (yOff + start + done) * Float.BYTES, k);
            }
        });
    }

    /**
     * Scalar twin of {@link #forward}: same arguments, same results bit for bit.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param p the activation's parameter (leaky ReLU's slope, ELU's alpha); ignored by the others
     */
    public final void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n, float p) {
        check("x", x, xOff, "y", y, yOff, null, null, 0, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, forwardOne(x.getAtIndex(FLOAT, xOff + i), p));
        }
    }

    /**
     * {@code dx[i] = dy[i] * f'(x[i]; p)} for {@code i < n}.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x; may alias x or dy at the same offset
     * @param dxOff offset of dx's first element, in floats
     * @param n the number of elements
     * @param p the activation's parameter (leaky ReLU's slope, ELU's alpha); ignored by the others
     */
    public final void backward(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
                               long n, float p) {
        if (!Simd.ENABLED) {
            backwardScalar(x, xOff, dy, dyOff, dx, dxOff, n, p);
            return;
        }
        check("x", x, xOff, "dy", dy, dyOff, "dx", dx, dxOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) -> {
            long len = end - start;
            int cap = (int) Math.min(len, STAGE);
            float[] xb = new float[cap];
            float[] g = new float[cap];
            float[] s1 = new float[cap];
            for (long done = 0; done < len; done += STAGE) {
                int k = (int) Math.min(STAGE, len - done);
                MemorySegment.copy(x, FLOAT, (xOff + start + done) * Float.BYTES, xb, 0, k);
                MemorySegment.copy(dy, FLOAT, (dyOff + start + done) * Float.BYTES, g, 0, k);
                backwardBlock(xb, g, s1, k, p);
                MemorySegment.copy(g, 0, dx, FLOAT, (dxOff + start + done) * Float.BYTES, k);
            }
        });
    }

    /**
     * Scalar twin of {@link #backward}: same arguments, same results bit for bit.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x; may alias x or dy at the same offset
     * @param dxOff offset of dx's first element, in floats
     * @param n the number of elements
     * @param p the activation's parameter (leaky ReLU's slope, ELU's alpha); ignored by the others
     */
    public final void backwardScalar(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
                                     long dxOff, long n, float p) {
        check("x", x, xOff, "dy", dy, dyOff, "dx", dx, dxOff, n);
        for (long i = 0; i < n; i++) {
            float v = backwardOne(x.getAtIndex(FLOAT, xOff + i), dy.getAtIndex(FLOAT, dyOff + i), p);
            dx.setAtIndex(FLOAT, dxOff + i, v);
        }
    }

    private static void check(String an, MemorySegment a, long aOff, String bn, MemorySegment b, long bOff,
                              String cn, MemorySegment c, long cOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats(an, a, aOff, n);
        SegmentBounds.floats(bn, b, bOff, n);
        if (cn != null) {
            SegmentBounds.floats(cn, c, cOff, n);
        }
    }
}
