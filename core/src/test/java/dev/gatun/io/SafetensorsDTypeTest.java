package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The binary16 decoder against the JDK's, on every one of the 65,536 bit patterns. */
class SafetensorsDTypeTest {
    @Test
    void halfToFloatMatchesTheJdkOnEveryValueAndKeepsNaNPayloads() {
        for (int h = 0; h < 1 << 16; h++) {
            int got = SafetensorsDType.halfToFloatBits((short) h);
            float jdk = Float.float16ToFloat((short) h);
            String at = String.format("half 0x%04x", h);
            if (Float.isNaN(jdk)) {
                assertTrue(Float.isNaN(Float.intBitsToFloat(got)), at);
                // Sign and the 10 payload bits, shifted into the top of float32's 23 (as NumPy does).
                assertEquals((h & 0x8000) << 16 | 0x7f80_0000 | (h & 0x3ff) << 13, got, at);
            } else {
                assertEquals(Float.floatToRawIntBits(jdk), got, at);
            }
        }
    }
}
