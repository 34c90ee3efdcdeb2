package dev.gatun.kernels.reduce;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Sum over the middle axis.
 *   x[outer, len, inner] -> y[outer, inner]     y[o, i] = sum_l x[o, l, i]
 *
 * Accumulation is in float. Order:
 *   inner > 1:  each output is summed over l = 0, 1, ..., len-1 in order, vector lanes being
 *               separate columns. That is the scalar twin's order, so results match bit for bit.
 *   inner == 1: a row is a horizontal sum. Four vector accumulators take consecutive vectors in
 *               turn (acc[k] gets vectors k, k+4, k+8, ...), one more pass adds leftover whole
 *               vectors into acc[0], then (acc0 + acc1) + (acc2 + acc3) is reduced across lanes
 *               by Simd.sum (a fixed tree), and the scalar tail is added last, in order. This differs
 *               from the twin's plain order by rounding only (and is usually more accurate).
 * Work is split across threads by outer slice, or by column blocks when outer is small; a
 * single row (outer == 1, inner == 1) stays on one thread, so results never depend on the
 * thread count. len == 0 gives zeros.
 */
/** Sum over the middle axis of x[outer, len, inner], accumulated in float. */
public final class AxisSum {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    // Column chunks for threads start at multiples of this, so every chunk but the last is whole vectors.
    private static final int COLUMN_ALIGN = 64;

    private AxisSum() {}

    /**
     * {@code y[o*inner + i] = sum over l of x[(o*len + l)*inner + i]}.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param outer the product of the dimensions before the reduced axis
     * @param len the length of the reduced axis
     * @param inner the product of the dimensions after the reduced axis
     * @param y the output
     * @param yOff offset of y's first element, in floats
     */
    public static void run(MemorySegment x, long xOff, int outer, int len, int inner, MemorySegment y, long yOff) {
        if (!Simd.ENABLED) {
            runScalar(x, xOff, outer, len, inner, y, yOff);
            return;
        }
        check(x, xOff, outer, len, inner, y, yOff);
        long total = (long) outer * len * inner; // fits: x holds that many floats
        long xb = xOff * Float.BYTES;
        long yb = yOff * Float.BYTES;
        boolean big = total >= PARALLEL_MIN && Parallel.THREADS > 1;
        if (big && outer >= Parallel.THREADS) {
            int per = (outer + Parallel.THREADS - 1) / Parallel.THREADS;
            Parallel.forEach(Parallel.THREADS, t -> {
                int end = Math.min(outer, (t + 1) * per);
                for (int o = t * per; o < end; o++) {
                    slice(x, xb, o, len, inner, y, yb, 0, inner);
                }
            });
        } else if (big && inner >= 2 * COLUMN_ALIGN) {
            int per = ((inner + Parallel.THREADS - 1) / Parallel.THREADS + COLUMN_ALIGN - 1) & -COLUMN_ALIGN;
            Parallel.forEach(Parallel.THREADS, t -> {
                int from = Math.min(inner, t * per);
                int to = Math.min(inner, from + per);
                for (int o = 0; o < outer; o++) {
                    slice(x, xb, o, len, inner, y, yb, from, to);
                }
            });
        } else {
            for (int o = 0; o < outer; o++) {
                slice(x, xb, o, len, inner, y, yb, 0, inner);
            }
        }
    }

    /**
     * Scalar twin of {@link #run}: each output summed in float over l in order.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param outer the product of the dimensions before the reduced axis
     * @param len the length of the reduced axis
     * @param inner the product of the dimensions after the reduced axis
     * @param y the output
     * @param yOff offset of y's first element, in floats
     */
    public static void runScalar(MemorySegment x, long xOff, int outer, int len, int inner,
                                 MemorySegment y, long yOff) {
        check(x, xOff, outer, len, inner, y, yOff);
        for (int o = 0; o < outer; o++) {
            long yRow = yOff + (long) o * inner;
            for (int i = 0; i < inner; i++) {
                y.setAtIndex(FLOAT, yRow + i, 0f);
            }
            // Row by row rather than column by column: same order per output, contiguous reads.
            for (int l = 0; l < len; l++) {
                long xRow = xOff + ((long) o * len + l) * inner;
                for (int i = 0; i < inner; i++) {
                    y.setAtIndex(FLOAT, yRow + i, y.getAtIndex(FLOAT, yRow + i) + x.getAtIndex(FLOAT, xRow + i));
                }
            }
        }
    }

    // Columns [from, to) of outer slice o.
    private static void slice(MemorySegment x, long xb, int o, int len, int inner, MemorySegment y, long yb,
                              int from, int to) {
        long xSlice = xb + (long) o * len * inner * Float.BYTES;
        long ySlice = yb + (long) o * inner * Float.BYTES;
        if (inner == 1) {
            y.set(FLOAT, ySlice, row(x, xSlice, len));
        } else {
            columns(x, xSlice, len, inner, y, ySlice, from, to);
        }
    }

    private static float row(MemorySegment x, long xb, int len) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int i = 0;
        // Four independent chains hide the add latency; one chain would run at a quarter speed.
        for (int bound4 = len - 4 * lanes; i <= bound4; i += 4 * lanes) {
            long b = xb + (long) i * Float.BYTES;
            acc0 = acc0.add(FloatVector.fromMemorySegment(F, x, b, ORDER));
            acc1 = acc1.add(FloatVector.fromMemorySegment(F, x, b + (long) lanes * Float.BYTES, ORDER));
            acc2 = acc2.add(FloatVector.fromMemorySegment(F, x, b + 2L * lanes * Float.BYTES, ORDER));
            acc3 = acc3.add(FloatVector.fromMemorySegment(F, x, b + 3L * lanes * Float.BYTES, ORDER));
        }
        for (int bound = F.loopBound(len); i < bound; i += lanes) {
            acc0 = acc0.add(FloatVector.fromMemorySegment(F, x, xb + (long) i * Float.BYTES, ORDER));
        }
        float sum = Simd.sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < len; i++) {
            sum += x.get(FLOAT, xb + (long) i * Float.BYTES);
        }
        return sum;
    }

    private static void columns(MemorySegment x, long xb, int len, int inner, MemorySegment y, long yb,
                                int from, int to) {
        int lanes = F.length();
        long rowBytes = (long) inner * Float.BYTES;
        int c = from;
        // Four vectors of columns per pass over the rows: four independent add chains, and each
        // row contributes one contiguous run of 4 vectors.
        for (; c + 4 * lanes <= to; c += 4 * lanes) {
            long b = xb + (long) c * Float.BYTES;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F);
            FloatVector s3 = FloatVector.zero(F);
            for (int l = 0; l < len; l++, b += rowBytes) {
                s0 = s0.add(FloatVector.fromMemorySegment(F, x, b, ORDER));
                s1 = s1.add(FloatVector.fromMemorySegment(F, x, b + (long) lanes * Float.BYTES, ORDER));
                s2 = s2.add(FloatVector.fromMemorySegment(F, x, b + 2L * lanes * Float.BYTES, ORDER));
                s3 = s3.add(FloatVector.fromMemorySegment(F, x, b + 3L * lanes * Float.BYTES, ORDER));
            }
            long yc = yb + (long) c * Float.BYTES;
            s0.intoMemorySegment(y, yc, ORDER);
            s1.intoMemorySegment(y, yc + (long) lanes * Float.BYTES, ORDER);
            s2.intoMemorySegment(y, yc + 2L * lanes * Float.BYTES, ORDER);
            s3.intoMemorySegment(y, yc + 3L * lanes * Float.BYTES, ORDER);
        }
        for (; c + lanes <= to; c += lanes) {
            long b = xb + (long) c * Float.BYTES;
            FloatVector s = FloatVector.zero(F);
            for (int l = 0; l < len; l++, b += rowBytes) {
                s = s.add(FloatVector.fromMemorySegment(F, x, b, ORDER));
            }
            s.intoMemorySegment(y, yb + (long) c * Float.BYTES, ORDER);
        }
        for (; c < to; c++) {
            long b = xb + (long) c * Float.BYTES;
            float s = 0f;
            for (int l = 0; l < len; l++, b += rowBytes) {
                s += x.get(FLOAT, b);
            }
            y.set(FLOAT, yb + (long) c * Float.BYTES, s);
        }
    }

    private static void check(MemorySegment x, long xOff, int outer, int len, int inner, MemorySegment y, long yOff) {
        SegmentBounds.count("outer", outer);
        SegmentBounds.count("len", len);
        SegmentBounds.count("inner", inner);
        SegmentBounds.floats("x", x, xOff, SegmentBounds.product("outer*len*inner", (long) outer * len, inner));
        SegmentBounds.floats("y", y, yOff, (long) outer * inner);
    }
}
