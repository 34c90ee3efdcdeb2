package dev.gatun.kernels.reduce;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Row-wise softmax.
 *   forward:  x[rows, cols] -> y[rows, cols]              y = exp(x - max_row) / sum_row exp(x - max_row)
 *   backward: y, dy[rows, cols] -> dx[rows, cols]        dx = y * (dy - sum_row(dy * y))
 *
 * Subtracting the row maximum keeps every exp in (0, 1], so nothing overflows and the sum is at
 * least 1. A row containing NaN, or whose maximum is +-inf, comes out NaN (as in PyTorch).
 * The vector version subtracts the max and sums in float (over vector lanes; the exp is
 * VectorMath's, see expAndSum) and multiplies by 1/sum; the scalar twin works in double and
 * divides. They agree to about 1e-6 relative, drifting up with row length through the float
 * sum (8e-6 measured at 70 001 columns). y may alias x, dx may alias dy or y (same offset).
 */
/** Row-wise softmax with the row maximum subtracted first, and its gradient. */
public final class Softmax {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private Softmax() {}

    /**
     * Row-wise softmax of {@code x[rows, cols]} into {@code y}.
     *
     * @param x the input [rows, cols]
     * @param xOff offset of x's first element, in floats
     * @param rows the number of rows
     * @param cols the number of columns, the length of each row
     * @param y the output [rows, cols]; may alias x
     * @param yOff offset of y's first element, in floats
     */
    public static void forward(MemorySegment x, long xOff, int rows, int cols, MemorySegment y, long yOff) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, rows, cols, y, yOff);
            return;
        }
        checkForward(x, xOff, rows, cols, y, yOff);
        if ((long) rows * cols < PARALLEL_MIN || rows < 2 || Parallel.THREADS == 1) {
            forwardRows(x, xOff, 0, rows, cols, y, yOff);
            return;
        }
        int per = (rows + Parallel.THREADS - 1) / Parallel.THREADS;
        Parallel.forEach(Parallel.THREADS, t -> forwardRows(x, xOff, Math.min(rows, t * per),
                Math.min(rows, (t + 1) * per), cols, y, yOff));
    }

    /**
     * Scalar twin of {@link #forward}: sums in double, one rounding per output.
     *
     * @param x the input [rows, cols]
     * @param xOff offset of x's first element, in floats
     * @param rows the number of rows
     * @param cols the number of columns, the length of each row
     * @param y the output [rows, cols]; may alias x
     * @param yOff offset of y's first element, in floats
     */
    public static void forwardScalar(MemorySegment x, long xOff, int rows, int cols, MemorySegment y, long yOff) {
        checkForward(x, xOff, rows, cols, y, yOff);
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * cols;
            long yr = yOff + (long) r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x.getAtIndex(FLOAT, xr + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp((double) x.getAtIndex(FLOAT, xr + c) - max);
            }
            for (int c = 0; c < cols; c++) {
                y.setAtIndex(FLOAT, yr + c, (float) (Math.exp((double) x.getAtIndex(FLOAT, xr + c) - max) / sum));
            }
        }
    }

    /**
     * {@code dx = y * (dy - sum_row(dy * y))} row-wise, where y is the forward output.
     *
     * @param y the forward output [rows, cols]
     * @param yOff offset of y's first element, in floats
     * @param dy the gradient with respect to y [rows, cols]
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x [rows, cols]; may alias dy or y
     * @param dxOff offset of dx's first element, in floats
     * @param rows the number of rows
     * @param cols the number of columns, the length of each row
     */
    public static void backward(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
                                int rows, int cols) {
        if (!Simd.ENABLED) {
            backwardScalar(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
            return;
        }
        checkBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
        if ((long) rows * cols < PARALLEL_MIN || rows < 2 || Parallel.THREADS == 1) {
            backwardRows(y, yOff, dy, dyOff, dx, dxOff, 0, rows, cols);
            return;
        }
        int per = (rows + Parallel.THREADS - 1) / Parallel.THREADS;
        Parallel.forEach(Parallel.THREADS, t -> backwardRows(y, yOff, dy, dyOff, dx, dxOff,
                Math.min(rows, t * per), Math.min(rows, (t + 1) * per), cols));
    }

    /**
     * Scalar twin of {@link #backward}: the row dot product in double.
     *
     * @param y the forward output [rows, cols]
     * @param yOff offset of y's first element, in floats
     * @param dy the gradient with respect to y [rows, cols]
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x [rows, cols]; may alias dy or y
     * @param dxOff offset of dx's first element, in floats
     * @param rows the number of rows
     * @param cols the number of columns, the length of each row
     */
    public static void backwardScalar(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
                                      long dxOff, int rows, int cols) {
        checkBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += (double) dy.getAtIndex(FLOAT, dyOff + base + c) * y.getAtIndex(FLOAT, yOff + base + c);
            }
            float d = (float) dot;
            for (int c = 0; c < cols; c++) {
                float yi = y.getAtIndex(FLOAT, yOff + base + c);
                dx.setAtIndex(FLOAT, dxOff + base + c, yi * (dy.getAtIndex(FLOAT, dyOff + base + c) - d));
            }
        }
    }

    private static void forwardRows(MemorySegment x, long xOff, int from, int to, int cols,
                                    MemorySegment y, long yOff) {
        float[] buf = stage(cols);
        for (int r = from; r < to; r++) {
            long xb = (xOff + (long) r * cols) * Float.BYTES;
            long yb = (yOff + (long) r * cols) * Float.BYTES;
            float max = max(x, xb, cols);
            float sum = expAndSum(x, xb, cols, max, y, yb, buf);
            scale(y, yb, cols, 1f / sum);
        }
    }

    private static void backwardRows(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
                                     long dxOff, int from, int to, int cols) {
        int lanes = F.length();
        int bound = F.loopBound(cols);
        for (int r = from; r < to; r++) {
            long base = (long) r * cols * Float.BYTES;
            long yb = yOff * Float.BYTES + base;
            long gb = dyOff * Float.BYTES + base;
            long db = dxOff * Float.BYTES + base;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int c = 0;
            for (; c + 2 * lanes <= bound; c += 2 * lanes) {
                long o = (long) c * Float.BYTES;
                long o2 = o + (long) lanes * Float.BYTES;
                acc0 = FloatVector.fromMemorySegment(F, dy, gb + o, ORDER)
                        .fma(FloatVector.fromMemorySegment(F, y, yb + o, ORDER), acc0);
                acc1 = FloatVector.fromMemorySegment(F, dy, gb + o2, ORDER)
                        .fma(FloatVector.fromMemorySegment(F, y, yb + o2, ORDER), acc1);
            }
            for (; c < bound; c += lanes) {
                long o = (long) c * Float.BYTES;
                acc0 = FloatVector.fromMemorySegment(F, dy, gb + o, ORDER)
                        .fma(FloatVector.fromMemorySegment(F, y, yb + o, ORDER), acc0);
            }
            float dot = Simd.sum(acc0.add(acc1));
            for (; c < cols; c++) {
                long o = (long) c * Float.BYTES;
                dot += dy.get(FLOAT, gb + o) * y.get(FLOAT, yb + o);
            }
            FloatVector d = FloatVector.broadcast(F, dot);
            for (c = 0; c < bound; c += lanes) {
                long o = (long) c * Float.BYTES;
                FloatVector yv = FloatVector.fromMemorySegment(F, y, yb + o, ORDER);
                yv.mul(FloatVector.fromMemorySegment(F, dy, gb + o, ORDER).sub(d)).intoMemorySegment(dx, db + o, ORDER);
            }
            for (; c < cols; c++) {
                long o = (long) c * Float.BYTES;
                dx.set(FLOAT, db + o, y.get(FLOAT, yb + o) * (dy.get(FLOAT, gb + o) - dot));
            }
        }
    }

    /** Maximum of {@code n > 0} floats at byte offset {@code xb} (Math.max semantics: NaN wins). */
    static float max(MemorySegment x, long xb, int n) {
        int lanes = F.length();
        int bound = F.loopBound(n);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        int i = 0;
        for (; i + 2 * lanes <= bound; i += 2 * lanes) {
            long b = xb + (long) i * Float.BYTES;
            m0 = m0.max(FloatVector.fromMemorySegment(F, x, b, ORDER));
            m1 = m1.max(FloatVector.fromMemorySegment(F, x, b + (long) lanes * Float.BYTES, ORDER));
        }
        for (; i < bound; i += lanes) {
            m0 = m0.max(FloatVector.fromMemorySegment(F, x, xb + (long) i * Float.BYTES, ORDER));
        }
        float max = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x.get(FLOAT, xb + (long) i * Float.BYTES));
        }
        return max;
    }

    /** Floats per staging block; see {@link #expAndSum}. */
    static final int STAGE = 1024;

    /** A staging buffer for rows of {@code cols} floats, for {@link #expAndSum}. */
    static float[] stage(int cols) {
        return new float[Math.min(cols, STAGE)];
    }

    /**
     * Writes {@code exp(x - max)} for {@code n} floats to {@code y} (which may be null: sum only)
     * and returns their float sum: two vector accumulators over all whole vectors, reduced by
     * Simd.sum (a fixed tree), then the scalar tail in order.
     *
     * <p>The row goes through {@code buf} in blocks because VectorMath's exp loop works on
     * float[] (see VectorMath on why its kernels take arrays).
     */
    static float expAndSum(MemorySegment x, long xb, int n, float max, MemorySegment y, long yb, float[] buf) {
        int lanes = F.length();
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        float tail = 0f;
        for (int done = 0; done < n; done += STAGE) {
            int len = Math.min(STAGE, n - done);
            long o = (long) done * Float.BYTES;
            MemorySegment.copy(x, FLOAT, xb + o, buf, 0, len);
            VectorMath.expShifted(buf, 0, len, max);
            int bound = F.loopBound(len);
            int i = 0;
            for (; i + 2 * lanes <= bound; i += 2 * lanes) {
                s0 = s0.add(FloatVector.fromArray(F, buf, i));
                s1 = s1.add(FloatVector.fromArray(F, buf, i + lanes));
            }
            for (; i < bound; i += lanes) {
                s0 = s0.add(FloatVector.fromArray(F, buf, i));
            }
            // STAGE is a multiple of every vector length, so only the last block has a tail.
            for (; i < len; i++) {
                tail += buf[i];
            }
            if (y != null) {
                MemorySegment.copy(buf, 0, y, FLOAT, yb + o, len);
            }
        }
        return Simd.sum(s0.add(s1)) + tail;
    }

    /** Multiplies {@code n} floats at byte offset {@code yb} by {@code s} in place. */
    static void scale(MemorySegment y, long yb, int n, float s) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            long o = yb + (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, y, o, ORDER).mul(sv).intoMemorySegment(y, o, ORDER);
        }
        for (; i < n; i++) {
            long o = yb + (long) i * Float.BYTES;
            y.set(FLOAT, o, y.get(FLOAT, o) * s);
        }
    }

    private static void checkForward(MemorySegment x, long xOff, int rows, int cols, MemorySegment y, long yOff) {
        SegmentBounds.count("rows", rows);
        SegmentBounds.count("cols", cols);
        SegmentBounds.floats("x", x, xOff, (long) rows * cols);
        SegmentBounds.floats("y", y, yOff, (long) rows * cols);
    }

    private static void checkBackward(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
                                      long dxOff, int rows, int cols) {
        SegmentBounds.count("rows", rows);
        SegmentBounds.count("cols", cols);
        SegmentBounds.floats("y", y, yOff, (long) rows * cols);
        SegmentBounds.floats("dy", dy, dyOff, (long) rows * cols);
        SegmentBounds.floats("dx", dx, dxOff, (long) rows * cols);
    }
}
