package dev.gatun.kernels.half;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfBitsTest {
    /** The nearest bfloat16 by exact decimal arithmetic, ties to the even mantissa: the definition itself. */
    private static float nearestBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xffff_0000);
        float up = Float.intBitsToFloat((bits & 0xffff_0000) + 0x1_0000);
        int cmp = new BigDecimal(x).subtract(new BigDecimal(down)).abs()
                .compareTo(new BigDecimal(up).subtract(new BigDecimal(x)).abs());
        if (cmp != 0) {
            return cmp < 0 ? down : up;
        }
        return ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
    }

    @Test
    void bf16RoundsToNearestEvenOnRandomFiniteValues() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            float x = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(x) || Math.abs(x) >= 0x1.fep127f) {
                continue;
            }
            assertEquals(nearestBf16(x), HalfBits.roundToBf16(x), () -> "bf16 of " + x);
        }
    }

    @Test
    void bf16TiesGoToTheEvenMantissa() {
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: the even one is 1.
        assertEquals(1f, HalfBits.roundToBf16(1f + 0x1p-8f));
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
        assertEquals(1f + 0x1p-6f, HalfBits.roundToBf16(1f + 3 * 0x1p-8f));
    }

    @Test
    void bf16KeepsInfinitiesAndNaNsAndOverflowsToInfinity() {
        assertEquals(Float.POSITIVE_INFINITY, HalfBits.roundToBf16(Float.POSITIVE_INFINITY));
        assertEquals(Float.NEGATIVE_INFINITY, HalfBits.roundToBf16(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, HalfBits.roundToBf16(Float.MAX_VALUE));
        float lowPayloadNaN = Float.intBitsToFloat(0x7f80_0001);
        assertTrue(Float.isNaN(HalfBits.roundToBf16(lowPayloadNaN)));
        assertTrue(Float.isNaN(HalfBits.roundToBf16(Float.intBitsToFloat(0xff80_0001))));
        assertEquals(-0f, HalfBits.roundToBf16(-0f));
        assertEquals(0x1p-133f, HalfBits.roundToBf16(0x1p-133f));
    }

    @Test
    void fp16MatchesBinary16AtTheEdgesOfItsRange() {
        assertEquals(65504f, HalfBits.roundToFp16(65504f));
        assertEquals(65504f, HalfBits.roundToFp16(65519.99f));
        assertEquals(Float.POSITIVE_INFINITY, HalfBits.roundToFp16(65520f));
        assertEquals(0x1p-24f, HalfBits.roundToFp16(0x1p-24f));
        assertEquals(0f, HalfBits.roundToFp16(0x1p-26f));
        assertEquals(1f, HalfBits.roundToFp16(1f + 0x1p-11f));
        assertTrue(Float.isNaN(HalfBits.roundToFp16(Float.NaN)));
        // A NaN whose payload sits only below float16's mantissa stays a (quiet) NaN, sign kept.
        assertEquals((short) 0x7e00, HalfBits.toFp16(Float.intBitsToFloat(0x7f80_0001)));
        assertEquals((short) 0xfe00, HalfBits.toFp16(Float.intBitsToFloat(0xff80_0001)));
        assertEquals((short) 0x7e09, HalfBits.toFp16(Float.intBitsToFloat(0x7f81_2345)));
        for (int h = 0; h < 0x10000; h++) {
            float x = HalfBits.fromFp16((short) h);
            if (!Float.isNaN(x)) {
                assertEquals((short) h, HalfBits.toFp16(x), "fp16 bits " + h + " round trip");
            }
        }
    }

    @Test
    void everyBf16RoundTripsThroughFloat32() {
        for (int h = 0; h < 0x10000; h++) {
            float x = HalfBits.fromBf16((short) h);
            if (!Float.isNaN(x)) {
                assertEquals((short) h, HalfBits.toBf16(x), "bf16 bits " + h + " round trip");
            }
        }
    }
}
