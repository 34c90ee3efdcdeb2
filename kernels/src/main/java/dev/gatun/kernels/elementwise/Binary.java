package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Elementwise binary arithmetic with optional scalar broadcast.
 *   a[n] or a[1], b[n] or b[1] -> out[n]     out[i] = a[aOff + i*aStep] op b[bOff + i*bStep]
 * aStep, bStep are 1 (contiguous) or 0 (the single element a[aOff] / b[bOff] for every i).
 *
 * IEEE add/sub/mul/div are exactly rounded in both vector and scalar form, so the two agree bit
 * for bit. out may alias a or b exactly (same segment, same offset); broadcast operands are read
 * once before anything is written, so even out == a with aStep 0 sees the original a[aOff].
 * Partial overlaps (out shifted against an input) are not supported.
 */
/** Elementwise add, subtract, multiply and divide, with an optional scalar operand. */
public final class Binary {
    /** The arithmetic operation. */
    public enum Op {
        /** a + b. */
        ADD,
        /** a - b. */
        SUB,
        /** a · b. */
        MUL,
        /** a / b. */
        DIV
    }

    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private Binary() {}

    /**
     * {@code out[i] = a[aOff + i*aStep] op b[bOff + i*bStep]} for {@code i < n}; steps are 0 or 1.
     *
     * @param op the operation
     * @param a the left operand
     * @param aOff offset of a's first element, in floats
     * @param aStep 1 to read a contiguously, 0 to use a[aOff] for every i
     * @param b the right operand
     * @param bOff offset of b's first element, in floats
     * @param bStep 1 to read b contiguously, 0 to use b[bOff] for every i
     * @param out the result; may alias a or b at the same offset
     * @param outOff offset of out's first element, in floats
     * @param n the number of elements
     */
    public static void apply(Op op, MemorySegment a, long aOff, int aStep, MemorySegment b, long bOff, int bStep,
                             MemorySegment out, long outOff, long n) {
        if (!Simd.ENABLED) {
            applyScalar(op, a, aOff, aStep, b, bOff, bStep, out, outOff, n);
            return;
        }
        check(op, a, aOff, aStep, b, bOff, bStep, out, outOff, n);
        if (n == 0) {
            return;
        }
        // Read broadcast operands before any store: out may be the very element they live in.
        float as = aStep == 0 ? a.getAtIndex(FLOAT, aOff) : 0f;
        float bs = bStep == 0 ? b.getAtIndex(FLOAT, bOff) : 0f;
        if (aStep == 0 && bStep == 0) {
            Scale.fill(out, outOff, n, scalar(op, as, bs));
            return;
        }
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                range(op, a, aOff + start * aStep, aStep, as, b, bOff + start * bStep, bStep, bs, out, outOff + start, end - start));
    }

    /**
     * Scalar twin of {@link #apply}: same arguments, same results bit for bit.
     *
     * @param op the operation
     * @param a the left operand
     * @param aOff offset of a's first element, in floats
     * @param aStep 1 to read a contiguously, 0 to use a[aOff] for every i
     * @param b the right operand
     * @param bOff offset of b's first element, in floats
     * @param bStep 1 to read b contiguously, 0 to use b[bOff] for every i
     * @param out the result; may alias a or b at the same offset
     * @param outOff offset of out's first element, in floats
     * @param n the number of elements
     */
    public static void applyScalar(Op op, MemorySegment a, long aOff, int aStep, MemorySegment b, long bOff,
                                   int bStep, MemorySegment out, long outOff, long n) {
        check(op, a, aOff, aStep, b, bOff, bStep, out, outOff, n);
        if (n == 0) {
            return;
        }
        float as = a.getAtIndex(FLOAT, aOff);
        float bs = b.getAtIndex(FLOAT, bOff);
        for (long i = 0; i < n; i++) {
            float av = aStep == 0 ? as : a.getAtIndex(FLOAT, aOff + i);
            float bv = bStep == 0 ? bs : b.getAtIndex(FLOAT, bOff + i);
            out.setAtIndex(FLOAT, outOff + i, scalar(op, av, bv));
        }
    }

    private static float scalar(Op op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }

    private static void range(Op op, MemorySegment a, long aOff, int aStep, float as, MemorySegment b, long bOff,
                              int bStep, float bs, MemorySegment out, long outOff, long n) {
        long ab = aOff * Float.BYTES;
        long bb = bOff * Float.BYTES;
        long ob = outOff * Float.BYTES;
        if (aStep == 1 && bStep == 1) {
            vectorVector(op, a, ab, b, bb, out, ob, n);
        } else if (aStep == 1) {
            vectorScalar(op, a, ab, bs, out, ob, n);
        } else {
            scalarVector(op, as, b, bb, out, ob, n);
        }
    }

    // One loop per operator, chosen outside the loop: lanewise(op) with a non-constant operator
    // would not be intrinsified, and a switch inside would cost a branch per vector.

    private static void vectorVector(Op op, MemorySegment a, long ab, MemorySegment b, long bb,
                                     MemorySegment out, long ob, long n) {
        long bound = F.loopBound(n);
        long step = (long) F.length() * Float.BYTES;
        long end = bound * Float.BYTES;
        switch (op) {
            case ADD -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).add(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case SUB -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).sub(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case MUL -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).mul(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case DIV -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).div(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
        }
        for (long i = bound; i < n; i++) {
            long o = i * Float.BYTES;
            out.set(FLOAT, ob + o, scalar(op, a.get(FLOAT, ab + o), b.get(FLOAT, bb + o)));
        }
    }

    private static void vectorScalar(Op op, MemorySegment a, long ab, float bs, MemorySegment out, long ob, long n) {
        long bound = F.loopBound(n);
        long step = (long) F.length() * Float.BYTES;
        long end = bound * Float.BYTES;
        FloatVector bv = FloatVector.broadcast(F, bs);
        switch (op) {
            case ADD -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).add(bv).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case SUB -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).sub(bv).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case MUL -> {
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).mul(bv).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case DIV -> {
                // Not a multiply by 1/bs: that would round twice and differ from a / bs.
                for (long o = 0; o < end; o += step) {
                    load(a, ab + o).div(bv).intoMemorySegment(out, ob + o, ORDER);
                }
            }
        }
        for (long i = bound; i < n; i++) {
            long o = i * Float.BYTES;
            out.set(FLOAT, ob + o, scalar(op, a.get(FLOAT, ab + o), bs));
        }
    }

    private static void scalarVector(Op op, float as, MemorySegment b, long bb, MemorySegment out, long ob, long n) {
        long bound = F.loopBound(n);
        long step = (long) F.length() * Float.BYTES;
        long end = bound * Float.BYTES;
        FloatVector av = FloatVector.broadcast(F, as);
        switch (op) {
            case ADD -> {
                for (long o = 0; o < end; o += step) {
                    av.add(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case SUB -> {
                for (long o = 0; o < end; o += step) {
                    av.sub(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case MUL -> {
                for (long o = 0; o < end; o += step) {
                    av.mul(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
            case DIV -> {
                for (long o = 0; o < end; o += step) {
                    av.div(load(b, bb + o)).intoMemorySegment(out, ob + o, ORDER);
                }
            }
        }
        for (long i = bound; i < n; i++) {
            long o = i * Float.BYTES;
            out.set(FLOAT, ob + o, scalar(op, as, b.get(FLOAT, bb + o)));
        }
    }

    private static FloatVector load(MemorySegment seg, long byteOffset) {
        return FloatVector.fromMemorySegment(F, seg, byteOffset, ORDER);
    }

    private static void check(Op op, MemorySegment a, long aOff, int aStep, MemorySegment b, long bOff, int bStep,
                              MemorySegment out, long outOff, long n) {
        if (op == null) {
            throw new IllegalArgumentException("op is null");
        }
        if (aStep != 0 && aStep != 1) {
            throw new IllegalArgumentException("aStep must be 0 (broadcast) or 1 (contiguous), got " + aStep);
        }
        if (bStep != 0 && bStep != 1) {
            throw new IllegalArgumentException("bStep must be 0 (broadcast) or 1 (contiguous), got " + bStep);
        }
        SegmentBounds.count("n", n);
        long one = Math.min(n, 1);
        SegmentBounds.floats("a", a, aOff, aStep == 0 ? one : n);
        SegmentBounds.floats("b", b, bOff, bStep == 0 ? one : n);
        SegmentBounds.floats("out", out, outOff, n);
    }
}
