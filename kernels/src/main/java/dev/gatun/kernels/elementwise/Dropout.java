package dev.gatun.kernels.elementwise;

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
 * Inverted dropout (training mode).
 *   forward: x[n] -> mask[n], y[n]     mask[i] = keep(seed, i) ? 1/(1-p) : 0,   y = x * mask
 * Backward is dx = dy * mask, i.e. Binary MUL with the saved mask. Either y or mask may alias x
 * at the same offset: each x element is read before its mask and output are written.
 *
 * The random bits are a pure function of (seed, i), not a stream: any thread, any vector width
 * and the scalar twin draw the same bit for element i, so masks are reproducible and the two
 * versions agree bit for bit. For element i:
 *   key  = SplitMix64(seed + (i >>> 32 + 1) * golden)     -- k1 = low, k2 = high 32 bits
 *   h    = mix32(mix32((int) i ^ k1) + k2)                -- mix32: Wellons' "lowbias32"
 *   keep = (h >>> 8) >= ceil(p * 2^24)                    -- top 24 bits as a uniform in [0,1)
 * One keyed mix of a counter would make two seeds' masks permutations of each other; the second,
 * differently keyed round breaks that. 32-bit lanes fit an IntVector of the float lane count;
 * the 64-bit SplitMix64 runs once per 2^32 elements only.
 */
/**
 * Inverted dropout (training mode) with a mask that is a pure function of the seed and the index.
 */
public final class Dropout {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int M1 = 0x7feb352d;
    private static final int M2 = 0x846ca68b;

    private Dropout() {}

    /**
     * Writes {@code mask[i]} = 0 with probability {@code p}, else {@code 1/(1-p)}, and
     * {@code y[i] = x[i] * mask[i]}, for {@code i < n}. The mask depends only on {@code seed}
     * and {@code i}. {@code p} must lie in [0, 1]; {@code p == 1} drops everything.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param mask receives 0 for a dropped element, 1/(1-p) for a kept one
     * @param maskOff offset of mask's first element, in floats
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param p the probability of dropping an element, in [0, 1]
     * @param seed the seed the mask is drawn from
     */
    public static void forward(MemorySegment x, long xOff, MemorySegment mask, long maskOff,
                               MemorySegment y, long yOff, long n, float p, long seed) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, mask, maskOff, y, yOff, n, p, seed);
            return;
        }
        check(x, xOff, mask, maskOff, y, yOff, n, p);
        int threshold = threshold(p);
        float scale = scale(p);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                forwardVector(x, xOff, mask, maskOff, y, yOff, start, end, threshold, scale, seed));
    }

    /**
     * Whether element {@code index} is kept for this seed and p: the same draw {@link #forward} makes.
     *
     * @param seed the seed the mask is drawn from
     * @param index the element's index
     * @param p the probability of dropping an element, in [0, 1]
     * @return true when the element is kept
     */
    public static boolean keep(long seed, long index, float p) {
        long key = key(seed, index >>> 32);
        int h = mix32(mix32((int) index ^ (int) key) + (int) (key >>> 32));
        return (h >>> 8) >= threshold(p);
    }

    /**
     * Scalar twin of {@link #forward}: same arguments, same mask and output bit for bit.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param mask receives 0 for a dropped element, 1/(1-p) for a kept one
     * @param maskOff offset of mask's first element, in floats
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param p the probability of dropping an element, in [0, 1]
     * @param seed the seed the mask is drawn from
     */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment mask, long maskOff,
                                     MemorySegment y, long yOff, long n, float p, long seed) {
        check(x, xOff, mask, maskOff, y, yOff, n, p);
        int threshold = threshold(p);
        float scale = scale(p);
        long key = key(seed, 0);
        for (long i = 0; i < n; i++) {
            if ((int) i == 0 && i != 0) {
                key = key(seed, i >>> 32);
            }
            int h = mix32(mix32((int) i ^ (int) key) + (int) (key >>> 32));
            float m = (h >>> 8) >= threshold ? scale : 0f;
            float xi = x.getAtIndex(FLOAT, xOff + i);
            mask.setAtIndex(FLOAT, maskOff + i, m);
            y.setAtIndex(FLOAT, yOff + i, xi * m);
        }
    }

    // Elements [from, to) of the call; the counter is the element index, not the byte offset.
    private static void forwardVector(MemorySegment x, long xOff, MemorySegment mask, long maskOff,
                                      MemorySegment y, long yOff, long from, long to,
                                      int threshold, float scale, long seed) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector scaleV = FloatVector.broadcast(F, scale);
        IntVector lanes = IntVector.zero(I).addIndex(1);
        IntVector step = IntVector.broadcast(I, F.length());
        long i = from;
        while (i < to) {
            // The key changes every 2^32 elements; keep each vector inside one key block.
            long blockEnd = Math.min(to, (i | 0xFFFFFFFFL) + 1);
            long key = key(seed, i >>> 32);
            int k1 = (int) key;
            int k2 = (int) (key >>> 32);
            long bound = i + F.loopBound(blockEnd - i);
            // The low 32 bits of the element index of every lane, advanced a vector at a time.
            IntVector index = lanes.add((int) i);
            for (; i < bound; i += F.length()) {
                IntVector h = mix32(mix32(index.lanewise(VectorOperators.XOR, k1)).add(k2));
                index = index.add(step);
                VectorMask<Float> keep = h.lanewise(VectorOperators.LSHR, 8)
                        .compare(VectorOperators.GE, threshold).cast(F);
                FloatVector m = zero.blend(scaleV, keep);
                FloatVector xv = FloatVector.fromMemorySegment(F, x, (xOff + i) * Float.BYTES, ORDER);
                m.intoMemorySegment(mask, (maskOff + i) * Float.BYTES, ORDER);
                xv.mul(m).intoMemorySegment(y, (yOff + i) * Float.BYTES, ORDER);
            }
            for (; i < blockEnd; i++) {
                int h = mix32(mix32((int) i ^ k1) + k2);
                float m = (h >>> 8) >= threshold ? scale : 0f;
                float xi = x.getAtIndex(FLOAT, xOff + i);
                mask.setAtIndex(FLOAT, maskOff + i, m);
                y.setAtIndex(FLOAT, yOff + i, xi * m);
            }
        }
    }

    private static long key(long seed, long block) {
        long z = seed + (block + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int mix32(int h) {
        h ^= h >>> 16;
        h *= M1;
        h ^= h >>> 15;
        h *= M2;
        return h ^ (h >>> 16);
    }

    private static IntVector mix32(IntVector h) {
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(M1);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(M2);
        return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
    }

    // Keep iff the 24-bit draw u satisfies u / 2^24 >= p, i.e. u >= ceil(p * 2^24): exact, no float compare.
    private static int threshold(float p) {
        return (int) Math.ceil(p * 16777216.0);
    }

    private static float scale(float p) {
        return p >= 1f ? 0f : (float) (1.0 / (1.0 - p));
    }

    private static void check(MemorySegment x, long xOff, MemorySegment mask, long maskOff,
                              MemorySegment y, long yOff, long n, float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability p must be in [0, 1], got " + p);
        }
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("mask", mask, maskOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }
}
