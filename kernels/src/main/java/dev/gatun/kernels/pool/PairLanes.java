package dev.gatun.kernels.pool;

import dev.gatun.kernels.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Splitting 2·L consecutive floats into their L even and L odd elements, and back: the lane
 * moves behind the 2×2, stride-2 pooling kernels, where output lane j covers input columns 2j
 * and 2j + 1. Each direction costs two one-input permutes (vpermps on AVX2) and a blend; the
 * shuffles are constants, valid at every vector width.
 */
final class PairLanes {
    static final VectorSpecies<Float> F = Simd.FLOATS;
    @SuppressWarnings("unchecked")
    static final VectorSpecies<Integer> I = (VectorSpecies<Integer>) F.withLanes(int.class);
    static final int L = F.length();

    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(F, j -> (2 * j) % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(F, j -> (2 * j + 1) % L);
    private static final VectorShuffle<Float> SPREAD_LOW = VectorShuffle.fromOp(F, j -> j / 2);
    private static final VectorShuffle<Float> SPREAD_HIGH = VectorShuffle.fromOp(F, j -> L / 2 + j / 2);
    private static final VectorMask<Float> UPPER_HALF = mask(j -> j >= L / 2);
    private static final VectorMask<Float> ODD_LANES = mask(j -> (j & 1) == 1);
    /** Lane j holds 2j: the input column of output lane j, relative to the first. */
    static final IntVector TWICE_IOTA = IntVector.zero(I).addIndex(2);

    private PairLanes() {}

    private static VectorMask<Float> mask(java.util.function.IntPredicate lane) {
        boolean[] bits = new boolean[L];
        for (int j = 0; j < L; j++) {
            bits[j] = lane.test(j);
        }
        return VectorMask.fromArray(F, bits, 0);
    }

    /** Elements 0, 2, 4, ... of the 2·L floats a ++ b. */
    static FloatVector evens(FloatVector a, FloatVector b) {
        return a.rearrange(EVENS).blend(b.rearrange(EVENS), UPPER_HALF);
    }

    /** Elements 1, 3, 5, ... of the 2·L floats a ++ b. */
    static FloatVector odds(FloatVector a, FloatVector b) {
        return a.rearrange(ODDS).blend(b.rearrange(ODDS), UPPER_HALF);
    }

    /** The first L floats of e[0], o[0], e[1], o[1], ... (inverse of evens/odds). */
    static FloatVector interleaveLow(FloatVector e, FloatVector o) {
        return e.rearrange(SPREAD_LOW).blend(o.rearrange(SPREAD_LOW), ODD_LANES);
    }

    /** The last L floats of e[0], o[0], e[1], o[1], ... */
    static FloatVector interleaveHigh(FloatVector e, FloatVector o) {
        return e.rearrange(SPREAD_HIGH).blend(o.rearrange(SPREAD_HIGH), ODD_LANES);
    }
}
