package dev.gatun.kernels.reduce;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Fused softmax + negative log-likelihood over class logits.
 *   forward:  logits[rows, cols], labels[rows] (int32) -> probs[rows, cols], returns
 *             loss = sum_r -log softmax(logits[r])[labels[r]]
 *                  = sum_r (log sum_c exp(l[r,c] - max_r)) - (l[r, label] - max_r)
 *   backward: probs, labels -> dx[rows, cols]        dx = (probs - onehot(label)) * scale
 *
 * The loss comes from log-sum-exp, not from log(probs[label]): a rounded probability can be 0
 * (loss +inf) where the true loss is large but finite. Per-row losses are summed in double in
 * row order, also when rows are split over threads, so the result never depends on the thread
 * count. Every label is checked to lie in [0, cols) before anything is written.
 * The vector forward is Softmax's row kernel (float sums, VectorMath exp); the scalar twin sums in
 * double, so probabilities agree as Softmax's do (~1e-6 relative) and each row's loss to about
 * the float row sum's relative error (~1e-7 at 784 columns, ~1e-5 at 70 001). backward is exact
 * arithmetic in the same order in both: bit-identical. probs may alias logits, dx may alias probs.
 */
/** Fused softmax and negative log-likelihood over class logits, and its gradient. */
public final class CrossEntropy {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private CrossEntropy() {}

    /**
     * Writes the row-wise softmax of {@code logits[rows, cols]} into {@code probs} and returns
     * the summed negative log-likelihood of {@code labels}, each in [0, cols).
     *
     * @param logits the class scores [rows, cols]
     * @param lOff offset of logits' first element, in floats
     * @param labels the class of each row, int32 [rows], each in [0, cols)
     * @param labelsOff offset of labels' first element, in int32 elements
     * @param rows the number of rows (examples)
     * @param cols the number of classes
     * @param probs receives the row-wise softmax [rows, cols]; may alias logits
     * @param pOff offset of probs' first element, in floats
     * @return the summed loss over the rows
     */
    public static double forward(MemorySegment logits, long lOff, MemorySegment labels, long labelsOff, int rows,
                                 int cols, MemorySegment probs, long pOff) {
        if (!Simd.ENABLED) {
            return forwardScalar(logits, lOff, labels, labelsOff, rows, cols, probs, pOff);
        }
        check("logits", logits, lOff, labels, labelsOff, rows, cols, "probs", probs, pOff);
        if ((long) rows * cols < PARALLEL_MIN || rows < 2 || Parallel.THREADS == 1) {
            float[] buf = Softmax.stage(cols);
            double loss = 0;
            for (int r = 0; r < rows; r++) {
                loss += forwardRow(logits, lOff, labels, labelsOff, r, cols, probs, pOff, buf);
            }
            return loss;
        }
        double[] losses = new double[rows];
        int per = (rows + Parallel.THREADS - 1) / Parallel.THREADS;
        Parallel.forEach(Parallel.THREADS, t -> {
            int end = Math.min(rows, (t + 1) * per);
            float[] buf = Softmax.stage(cols);
            for (int r = t * per; r < end; r++) {
                losses[r] = forwardRow(logits, lOff, labels, labelsOff, r, cols, probs, pOff, buf);
            }
        });
        double loss = 0;
        for (double l : losses) {
            loss += l;
        }
        return loss;
    }

    /**
     * Scalar twin of {@link #forward}: row sums in double, one rounding per probability.
     *
     * @param logits the class scores [rows, cols]
     * @param lOff offset of logits' first element, in floats
     * @param labels the class of each row, int32 [rows], each in [0, cols)
     * @param labelsOff offset of labels' first element, in int32 elements
     * @param rows the number of rows (examples)
     * @param cols the number of classes
     * @param probs receives the row-wise softmax [rows, cols]; may alias logits
     * @param pOff offset of probs' first element, in floats
     * @return the summed loss over the rows
     */
    public static double forwardScalar(MemorySegment logits, long lOff, MemorySegment labels, long labelsOff, int rows,
                                       int cols, MemorySegment probs, long pOff) {
        check("logits", logits, lOff, labels, labelsOff, rows, cols, "probs", probs, pOff);
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            long lr = lOff + (long) r * cols;
            long pr = pOff + (long) r * cols;
            float target = logits.getAtIndex(FLOAT, lr + labels.getAtIndex(INT, labelsOff + r));
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, logits.getAtIndex(FLOAT, lr + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp((double) logits.getAtIndex(FLOAT, lr + c) - max);
            }
            for (int c = 0; c < cols; c++) {
                double e = Math.exp((double) logits.getAtIndex(FLOAT, lr + c) - max);
                probs.setAtIndex(FLOAT, pr + c, (float) (e / sum));
            }
            loss += Math.log(sum) - ((double) target - max);
        }
        return loss;
    }

    /**
     * {@code dx = (probs - onehot(labels)) * scale} row-wise.
     *
     * @param probs the softmax from the forward pass [rows, cols]
     * @param pOff offset of probs' first element, in floats
     * @param labels the class of each row, int32 [rows], each in [0, cols)
     * @param labelsOff offset of labels' first element, in int32 elements
     * @param rows the number of rows (examples)
     * @param cols the number of classes
     * @param scale the factor of every gradient, e.g. 1/rows for a mean loss
     * @param dx receives the gradient with respect to the logits [rows, cols]; may alias probs
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backward(MemorySegment probs, long pOff, MemorySegment labels, long labelsOff, int rows,
                                int cols, float scale, MemorySegment dx, long dxOff) {
        if (!Simd.ENABLED) {
            backwardScalar(probs, pOff, labels, labelsOff, rows, cols, scale, dx, dxOff);
            return;
        }
        check("probs", probs, pOff, labels, labelsOff, rows, cols, "dx", dx, dxOff);
        if ((long) rows * cols < PARALLEL_MIN || rows < 2 || Parallel.THREADS == 1) {
            backwardRows(probs, pOff, labels, labelsOff, 0, rows, cols, scale, dx, dxOff);
            return;
        }
        int per = (rows + Parallel.THREADS - 1) / Parallel.THREADS;
        Parallel.forEach(Parallel.THREADS, t -> backwardRows(probs, pOff, labels, labelsOff,
                Math.min(rows, t * per), Math.min(rows, (t + 1) * per), cols, scale, dx, dxOff));
    }

    /**
     * Scalar twin of {@link #backward}: same arguments, same results bit for bit.
     *
     * @param probs the softmax from the forward pass [rows, cols]
     * @param pOff offset of probs' first element, in floats
     * @param labels the class of each row, int32 [rows], each in [0, cols)
     * @param labelsOff offset of labels' first element, in int32 elements
     * @param rows the number of rows (examples)
     * @param cols the number of classes
     * @param scale the factor of every gradient, e.g. 1/rows for a mean loss
     * @param dx receives the gradient with respect to the logits [rows, cols]; may alias probs
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backwardScalar(MemorySegment probs, long pOff, MemorySegment labels, long labelsOff, int rows,
                                      int cols, float scale, MemorySegment dx, long dxOff) {
        check("probs", probs, pOff, labels, labelsOff, rows, cols, "dx", dx, dxOff);
        for (int r = 0; r < rows; r++) {
            int label = labels.getAtIndex(INT, labelsOff + r);
            long base = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                float p = probs.getAtIndex(FLOAT, pOff + base + c);
                dx.setAtIndex(FLOAT, dxOff + base + c, (p - (c == label ? 1f : 0f)) * scale);
            }
        }
    }

    private static double forwardRow(MemorySegment logits, long lOff, MemorySegment labels, long labelsOff, int r,
                                     int cols, MemorySegment probs, long pOff, float[] buf) {
        long lb = (lOff + (long) r * cols) * Float.BYTES;
        long pb = (pOff + (long) r * cols) * Float.BYTES;
        // Read before probs is written: probs may be the logits buffer.
        float target = logits.get(FLOAT, lb + (long) labels.getAtIndex(INT, labelsOff + r) * Float.BYTES);
        float max = Softmax.max(logits, lb, cols);
        float sum = Softmax.expAndSum(logits, lb, cols, max, probs, pb, buf);
        Softmax.scale(probs, pb, cols, 1f / sum);
        return Math.log(sum) - ((double) target - max);
    }

    private static void backwardRows(MemorySegment probs, long pOff, MemorySegment labels, long labelsOff, int from,
                                     int to, int cols, float scale, MemorySegment dx, long dxOff) {
        FloatVector s = FloatVector.broadcast(F, scale);
        int bound = F.loopBound(cols);
        for (int r = from; r < to; r++) {
            long pb = (pOff + (long) r * cols) * Float.BYTES;
            long db = (dxOff + (long) r * cols) * Float.BYTES;
            int label = labels.getAtIndex(INT, labelsOff + r);
            // Read before dx is written: dx may be the probs buffer.
            float target = (probs.get(FLOAT, pb + (long) label * Float.BYTES) - 1f) * scale;
            int c = 0;
            // p * scale equals (p - 0) * scale bit for bit, so only the label column needs fixing.
            for (; c < bound; c += F.length()) {
                long o = (long) c * Float.BYTES;
                FloatVector.fromMemorySegment(F, probs, pb + o, ORDER).mul(s).intoMemorySegment(dx, db + o, ORDER);
            }
            for (; c < cols; c++) {
                long o = (long) c * Float.BYTES;
                dx.set(FLOAT, db + o, probs.get(FLOAT, pb + o) * scale);
            }
            dx.set(FLOAT, db + (long) label * Float.BYTES, target);
        }
    }

    private static void check(String in, MemorySegment input, long inOff, MemorySegment labels, long labelsOff,
                              int rows, int cols, String out, MemorySegment output, long outOff) {
        SegmentBounds.count("rows", rows);
        SegmentBounds.count("cols", cols);
        SegmentBounds.floats(in, input, inOff, (long) rows * cols);
        SegmentBounds.ints("labels", labels, labelsOff, rows);
        SegmentBounds.floats(out, output, outOff, (long) rows * cols);
        for (int r = 0; r < rows; r++) {
            int label = labels.getAtIndex(INT, labelsOff + r);
            if (label < 0 || label >= cols) {
                throw new IllegalArgumentException("label " + label + " at row " + r + " is out of range [0, "
                        + cols + ")");
            }
        }
    }
}
