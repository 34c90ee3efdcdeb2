package dev.gatun.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every CPU kernel uses, fixed once per JVM.
 *
 * <p>The species is a {@code static final} constant on purpose: C2 only turns Vector API calls
 * into machine vectors when the species is a compile-time constant, so kernels never take a
 * species as a parameter. To test another width, start a JVM with {@code -Dgatun.simd.bits=128}
 * (or 256, 512); the build runs the kernel tests once per width that way. A width wider than the
 * CPU's (512 on an AVX2 machine) is allowed but emulated in Java, for correctness tests only.
 *
 * <p>{@code -Dgatun.simd=false} turns SIMD off: every kernel then runs its scalar twin.
 */
public final class Simd {
    /** False when {@code gatun.simd=false}: kernels run their scalar twins. */
    public static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("gatun.simd", "true"));

    /** The float species: the preferred one, or the width asked for by {@code gatun.simd.bits}. */
    public static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED.withShape(shape());

    /** The double species of the same width. */
    public static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED.withShape(shape());

    /** Float lanes per vector. */
    public static final int FLOAT_LANES = FLOATS.length();

    // Rotations by half, a quarter, ... of the lanes, for sum(): lane i of rearrange(ROT_k) is lane i + k.
    private static final VectorShuffle<Float> F_ROT_1 = rotation(FLOATS, 1);
    private static final VectorShuffle<Float> F_ROT_2 = rotation(FLOATS, 2);
    private static final VectorShuffle<Float> F_ROT_3 = rotation(FLOATS, 3);
    private static final VectorShuffle<Float> F_ROT_4 = rotation(FLOATS, 4);
    private static final VectorShuffle<Double> D_ROT_1 = rotation(DOUBLES, 1);
    private static final VectorShuffle<Double> D_ROT_2 = rotation(DOUBLES, 2);
    private static final VectorShuffle<Double> D_ROT_3 = rotation(DOUBLES, 3);
    private static final int DOUBLE_LANES = DOUBLES.length();

    private Simd() {}

    /**
     * The sum of a vector's lanes, always added in the same tree order.
     *
     * <p>Not {@code reduceLanes(ADD)}: its order is unspecified and does change with the JIT tier
     * (the interpreter adds lanes left to right, C2 in a tree), so the same data could sum to
     * different floats early and late in a run, and a resumed run would not repeat an
     * uninterrupted one bit for bit. Lane-wise adds and rearranges are exact in every tier.
     *
     * @param v the vector
     * @return the sum of the lanes
     */
    public static float sum(FloatVector v) {
        v = v.add(v.rearrange(F_ROT_1));
        if (FLOAT_LANES >= 4) {
            v = v.add(v.rearrange(F_ROT_2));
        }
        if (FLOAT_LANES >= 8) {
            v = v.add(v.rearrange(F_ROT_3));
        }
        if (FLOAT_LANES >= 16) {
            v = v.add(v.rearrange(F_ROT_4));
        }
        return v.lane(0);
    }

    /**
     * {@link #sum(FloatVector)} of a vector stored at {@code lanes[at .. at + FLOAT_LANES)}: the same
     * tree of adds, so the same bits. For kernels that reduce many accumulators at once: each
     * inlined {@code sum} adds thousands of C2 nodes, and past C2's node budget the rest are
     * called, with their vectors boxed. Overwrites the stored lanes.
     *
     * @param lanes the stored vector
     * @param at the index of its lane 0
     * @return the sum of the lanes
     */
    public static float sumStored(float[] lanes, int at) {
        for (int by = FLOAT_LANES / 2; by >= 1; by /= 2) {
            for (int i = at; i < at + by; i++) {
                lanes[i] += lanes[i + by];
            }
        }
        return lanes[at];
    }

    /**
     * {@link #sum(FloatVector)} for doubles.
     *
     * @param v the vector
     * @return the sum of the lanes
     */
    public static double sum(DoubleVector v) {
        v = v.add(v.rearrange(D_ROT_1));
        if (DOUBLE_LANES >= 4) {
            v = v.add(v.rearrange(D_ROT_2));
        }
        if (DOUBLE_LANES >= 8) {
            v = v.add(v.rearrange(D_ROT_3));
        }
        return v.lane(0);
    }

    /** Rotation by lanes / 2^level (identity when that is below one lane). */
    private static <E> VectorShuffle<E> rotation(VectorSpecies<E> species, int level) {
        int by = species.length() >> level;
        return VectorShuffle.iota(species, Math.max(by, 0), 1, true);
    }

    private static VectorShape shape() {
        String bits = System.getProperty("gatun.simd.bits", "");
        VectorShape preferred = VectorShape.preferredShape();
        if (bits.isBlank()) {
            return preferred;
        }
        VectorShape asked = switch (bits.trim()) {
            case "128" -> VectorShape.S_128_BIT;
            case "256" -> VectorShape.S_256_BIT;
            case "512" -> VectorShape.S_512_BIT;
            default -> throw new IllegalArgumentException(
                    "gatun.simd.bits must be 128, 256 or 512, got '" + bits + "'");
        };
        // A width beyond the CPU's still computes correctly: the Vector API falls back to Java
        // code (slowly). That is how the 512-bit paths are tested on AVX2 machines.
        return asked;
    }

    /**
     * {@return whether the chosen width is wider than the CPU's vectors, so that every vector op is
     * emulated}
     */
    public static boolean isEmulated() {
        return FLOATS.vectorBitSize() > VectorShape.preferredShape().vectorBitSize();
    }

    /** {@return a one-line description, e.g. {@code "SIMD 256-bit (8 floats)"}} */
    public static String describe() {
        if (!ENABLED) {
            return "SIMD off (scalar kernels)";
        }
        return "SIMD " + FLOATS.vectorBitSize() + "-bit (" + FLOAT_LANES + " floats"
                + (isEmulated() ? ", emulated: wider than this CPU's " + VectorShape.preferredShape().vectorBitSize() + "-bit vectors" : "")
                + ")";
    }
}
