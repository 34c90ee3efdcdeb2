package dev.gatun.kernels.reduce;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Max over the middle axis, with the index of the first maximum.
 *   x[outer, len, inner] -> y[outer, inner], arg[outer, inner] (int32, optional)
 *   arg[o, i] = first l with x[o, l, i] maximal,   y[o, i] = x[o, arg[o, i], i]
 *
 * NaN: counts as larger than everything, like PyTorch's max, so a NaN anywhere along the axis
 * gives y = NaN and arg = the first NaN. Ties (including -0 vs +0) go to the first index, and y
 * is that element itself, sign of zero included. Selection is exact, so the vector version
 * matches the scalar twin bit for bit. len must be > 0 unless outer*inner == 0.
 *
 * inner == 1 is a horizontal scan per row (Argmax.row); inner > 1 keeps the running maximum of
 * a block of columns in vector lanes, walking down the rows. Work is split over threads by outer
 * slice, or by column blocks when outer is small.
 */
/** Max over the middle axis of x[outer, len, inner], with the index of the first maximum. */
public final class AxisMax {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    private static final int COLUMN_ALIGN = 64;

    private AxisMax() {}

    /**
     * {@code y[o*inner + i]} = max over l of {@code x[(o*len + l)*inner + i]}; if {@code argOrNull}
     * is not null, {@code arg[argOff + o*inner + i]} = the first such l.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param outer the product of the dimensions before the reduced axis
     * @param len the length of the reduced axis, > 0 unless outer·inner is 0
     * @param inner the product of the dimensions after the reduced axis
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param argOrNull receives the index of each first maximum, int32 [outer, inner]; null when
     *     not wanted
     * @param argOff offset of arg's first element, in int32 elements
     */
    public static void run(MemorySegment x, long xOff, int outer, int len, int inner, MemorySegment y, long yOff,
                           MemorySegment argOrNull, long argOff) {
        if (!Simd.ENABLED) {
            runScalar(x, xOff, outer, len, inner, y, yOff, argOrNull, argOff);
            return;
        }
        check(x, xOff, outer, len, inner, y, yOff, argOrNull, argOff);
        long total = (long) outer * len * inner; // fits: x holds that many floats
        boolean big = total >= PARALLEL_MIN && Parallel.THREADS > 1;
        if (big && outer >= Parallel.THREADS) {
            int per = (outer + Parallel.THREADS - 1) / Parallel.THREADS;
            Parallel.forEach(Parallel.THREADS, t -> {
                int end = Math.min(outer, (t + 1) * per);
                for (int o = t * per; o < end; o++) {
                    slice(x, xOff, o, len, inner, y, yOff, argOrNull, argOff, 0, inner);
                }
            });
        } else if (big && inner >= 2 * COLUMN_ALIGN) {
            int per = ((inner + Parallel.THREADS - 1) / Parallel.THREADS + COLUMN_ALIGN - 1) & -COLUMN_ALIGN;
            Parallel.forEach(Parallel.THREADS, t -> {
                int from = Math.min(inner, t * per);
                int to = Math.min(inner, from + per);
                for (int o = 0; o < outer; o++) {
                    slice(x, xOff, o, len, inner, y, yOff, argOrNull, argOff, from, to);
                }
            });
        } else {
            for (int o = 0; o < outer; o++) {
                slice(x, xOff, o, len, inner, y, yOff, argOrNull, argOff, 0, inner);
            }
        }
    }

    /**
     * Scalar twin of {@link #run}: same arguments, same results bit for bit.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param outer the product of the dimensions before the reduced axis
     * @param len the length of the reduced axis, > 0 unless outer·inner is 0
     * @param inner the product of the dimensions after the reduced axis
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param argOrNull receives the index of each first maximum, int32 [outer, inner]; null when
     *     not wanted
     * @param argOff offset of arg's first element, in int32 elements
     */
    public static void runScalar(MemorySegment x, long xOff, int outer, int len, int inner, MemorySegment y,
                                 long yOff, MemorySegment argOrNull, long argOff) {
        check(x, xOff, outer, len, inner, y, yOff, argOrNull, argOff);
        if (len == 0) {
            return;
        }
        for (int o = 0; o < outer; o++) {
            long xSlice = xOff + (long) o * len * inner;
            long yRow = yOff + (long) o * inner;
            long aRow = argOff + (long) o * inner;
            for (int i = 0; i < inner; i++) {
                y.setAtIndex(FLOAT, yRow + i, x.getAtIndex(FLOAT, xSlice + i));
                if (argOrNull != null) {
                    argOrNull.setAtIndex(INT, aRow + i, 0);
                }
            }
            for (int l = 1; l < len; l++) {
                long xRow = xSlice + (long) l * inner;
                for (int i = 0; i < inner; i++) {
                    float v = x.getAtIndex(FLOAT, xRow + i);
                    float best = y.getAtIndex(FLOAT, yRow + i);
                    // !(v <= best) is "v > best, or v is NaN"; a NaN best is never replaced.
                    if (best == best && !(v <= best)) {
                        y.setAtIndex(FLOAT, yRow + i, v);
                        if (argOrNull != null) {
                            argOrNull.setAtIndex(INT, aRow + i, l);
                        }
                    }
                }
            }
        }
    }

    // Columns [from, to) of outer slice o.
    private static void slice(MemorySegment x, long xOff, int o, int len, int inner, MemorySegment y, long yOff,
                              MemorySegment arg, long argOff, int from, int to) {
        long xSlice = (xOff + (long) o * len * inner) * Float.BYTES;
        long yRow = (yOff + (long) o * inner) * Float.BYTES;
        long aRow = (argOff + (long) o * inner) * Integer.BYTES;
        if (inner == 1) {
            int l = Argmax.row(x, xSlice, len);
            y.set(FLOAT, yRow, x.get(FLOAT, xSlice + (long) l * Float.BYTES));
            if (arg != null) {
                arg.set(INT, aRow, l);
            }
            return;
        }
        int lanes = F.length();
        long rowBytes = (long) inner * Float.BYTES;
        int c = from;
        for (; c + lanes <= to; c += lanes) {
            long b = xSlice + (long) c * Float.BYTES;
            FloatVector best = FloatVector.fromMemorySegment(F, x, b, ORDER);
            if (arg == null) {
                // Without indices the first-max rule only matters for which zero or NaN is kept;
                // the same blend rule as below keeps that exact.
                for (int l = 1; l < len; l++) {
                    b += rowBytes;
                    FloatVector v = FloatVector.fromMemorySegment(F, x, b, ORDER);
                    best = best.blend(v, takes(v, best));
                }
            } else {
                IntVector idx = IntVector.zero(I);
                for (int l = 1; l < len; l++) {
                    b += rowBytes;
                    FloatVector v = FloatVector.fromMemorySegment(F, x, b, ORDER);
                    VectorMask<Float> take = takes(v, best);
                    best = best.blend(v, take);
                    idx = idx.blend(l, take.cast(I));
                }
                idx.intoMemorySegment(arg, aRow + (long) c * Integer.BYTES, ORDER);
            }
            best.intoMemorySegment(y, yRow + (long) c * Float.BYTES, ORDER);
        }
        for (; c < to; c++) {
            long b = xSlice + (long) c * Float.BYTES;
            float best = x.get(FLOAT, b);
            int at = 0;
            for (int l = 1; l < len; l++) {
                b += rowBytes;
                float v = x.get(FLOAT, b);
                if (best == best && !(v <= best)) {
                    best = v;
                    at = l;
                }
            }
            y.set(FLOAT, yRow + (long) c * Float.BYTES, best);
            if (arg != null) {
                arg.set(INT, aRow + (long) c * Integer.BYTES, at);
            }
        }
    }

    // Lanes where v replaces best: best is not NaN and !(v <= best), i.e. v is larger or NaN.
    private static VectorMask<Float> takes(FloatVector v, FloatVector best) {
        return best.compare(VectorOperators.EQ, best).andNot(v.compare(VectorOperators.LE, best));
    }

    private static void check(MemorySegment x, long xOff, int outer, int len, int inner, MemorySegment y, long yOff,
                              MemorySegment arg, long argOff) {
        SegmentBounds.count("outer", outer);
        SegmentBounds.count("len", len);
        SegmentBounds.count("inner", inner);
        if (len == 0 && (long) outer * inner > 0) {
            throw new IllegalArgumentException("max over an empty axis: len == 0 with outer = " + outer
                    + ", inner = " + inner);
        }
        SegmentBounds.floats("x", x, xOff, SegmentBounds.product("outer*len*inner", (long) outer * len, inner));
        SegmentBounds.floats("y", y, yOff, (long) outer * inner);
        if (arg != null) {
            SegmentBounds.ints("arg", arg, argOff, (long) outer * inner);
        }
    }
}
