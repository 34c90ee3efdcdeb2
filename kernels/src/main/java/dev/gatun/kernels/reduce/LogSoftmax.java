package dev.gatun.kernels.reduce;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Row-wise log-softmax.
 *   forward:  x[rows, cols] -> y[rows, cols]         y = (x - max_row) - log(sum_row exp(x - max_row))
 *   backward: y, dy[rows, cols] -> dx[rows, cols]   dx = dy - exp(y) * sum_row(dy)    (y is the output)
 *
 * Computed as a difference, never as log(softmax): a probability that underflows to 0 would give
 * -inf, while x - max - lse stays finite. The sum of exps is at least 1 (the max term), so its
 * log is >= 0 and finite. Rows with NaN or an infinite maximum come out NaN, as in PyTorch.
 * The vector version sums exps in float over vector lanes (Softmax.expAndSum); the scalar twin
 * sums in double and rounds each output once. They agree to a few ulp of |y| plus the float
 * sum's relative error, which grows with row length (about 1e-5 absolute at 70 001 columns,
 * 1e-6 at 784). y may alias x,
 * dx may alias dy or y (same offset).
 */
/** Row-wise log-softmax, computed as a difference so that it stays finite, and its gradient. */
public final class LogSoftmax {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private LogSoftmax() {}

    /**
     * Row-wise log-softmax of {@code x[rows, cols]} into {@code y}.
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
            double lse = Math.log(sum);
            for (int c = 0; c < cols; c++) {
                y.setAtIndex(FLOAT, yr + c, (float) (((double) x.getAtIndex(FLOAT, xr + c) - max) - lse));
            }
        }
    }

    /**
     * {@code dx = dy - exp(y) * sum_row(dy)} row-wise, where y is the forward output.
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
     * Scalar twin of {@link #backward}: the row sum in double.
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
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += dy.getAtIndex(FLOAT, dyOff + base + c);
            }
            float s = (float) sum;
            for (int c = 0; c < cols; c++) {
                float p = VectorMath.exp(y.getAtIndex(FLOAT, yOff + base + c));
                dx.setAtIndex(FLOAT, dxOff + base + c, dy.getAtIndex(FLOAT, dyOff + base + c) - p * s);
            }
        }
    }

    private static void forwardRows(MemorySegment x, long xOff, int from, int to, int cols,
                                    MemorySegment y, long yOff) {
        float[] buf = Softmax.stage(cols);
        for (int r = from; r < to; r++) {
            long xb = (xOff + (long) r * cols) * Float.BYTES;
            long yb = (yOff + (long) r * cols) * Float.BYTES;
            float max = Softmax.max(x, xb, cols);
            float lse = (float) Math.log(Softmax.expAndSum(x, xb, cols, max, null, 0, buf));
            // y goes through buf as well: a loop on segments next to the calls above was measured
            // 1.3x slower in total.
            FloatVector vmax = FloatVector.broadcast(F, max);
            FloatVector vlse = FloatVector.broadcast(F, lse);
            for (int done = 0; done < cols; done += Softmax.STAGE) {
                int len = Math.min(Softmax.STAGE, cols - done);
                long o = (long) done * Float.BYTES;
                MemorySegment.copy(x, FLOAT, xb + o, buf, 0, len);
                int c = 0;
                for (int bound = F.loopBound(len); c < bound; c += F.length()) {
                    FloatVector.fromArray(F, buf, c).sub(vmax).sub(vlse).intoArray(buf, c);
                }
                for (; c < len; c++) {
                    buf[c] = (buf[c] - max) - lse;
                }
                MemorySegment.copy(buf, 0, y, FLOAT, yb + o, len);
            }
        }
    }

    private static void backwardRows(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
                                     long dxOff, int from, int to, int cols) {
        int lanes = F.length();
        int bound = F.loopBound(cols);
        float[] buf = Softmax.stage(cols);
        for (int r = from; r < to; r++) {
            long base = (long) r * cols * Float.BYTES;
            long yb = yOff * Float.BYTES + base;
            long gb = dyOff * Float.BYTES + base;
            long db = dxOff * Float.BYTES + base;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int c = 0;
            for (; c + 2 * lanes <= bound; c += 2 * lanes) {
                long o = gb + (long) c * Float.BYTES;
                acc0 = acc0.add(FloatVector.fromMemorySegment(F, dy, o, ORDER));
                acc1 = acc1.add(FloatVector.fromMemorySegment(F, dy, o + (long) lanes * Float.BYTES, ORDER));
            }
            for (; c < bound; c += lanes) {
                acc0 = acc0.add(FloatVector.fromMemorySegment(F, dy, gb + (long) c * Float.BYTES, ORDER));
            }
            float sum = Simd.sum(acc0.add(acc1));
            for (; c < cols; c++) {
                sum += dy.get(FLOAT, gb + (long) c * Float.BYTES);
            }
            FloatVector s = FloatVector.broadcast(F, sum);
            // exp(y) goes through buf, for VectorMath's array loop (see Softmax.expAndSum).
            for (int done = 0; done < cols; done += Softmax.STAGE) {
                int len = Math.min(Softmax.STAGE, cols - done);
                long o0 = (long) done * Float.BYTES;
                MemorySegment.copy(y, FLOAT, yb + o0, buf, 0, len);
                VectorMath.exp(buf, 0, len);
                int i = 0;
                for (int vb = F.loopBound(len); i < vb; i += lanes) {
                    long o = o0 + (long) i * Float.BYTES;
                    FloatVector p = FloatVector.fromArray(F, buf, i);
                    FloatVector.fromMemorySegment(F, dy, gb + o, ORDER).sub(p.mul(s))
                            .intoMemorySegment(dx, db + o, ORDER);
                }
                for (; i < len; i++) {
                    long o = o0 + (long) i * Float.BYTES;
                    dx.set(FLOAT, db + o, dy.get(FLOAT, gb + o) - buf[i] * sum);
                }
            }
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
