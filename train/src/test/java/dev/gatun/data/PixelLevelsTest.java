package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class PixelLevelsTest {
    @Test
    void everyLevelIsItsQuotientBy255RoundedOnce() {
        int differFromTheReciprocal = 0;
        for (int level = 0; level < 256; level++) {
            float exact = new BigDecimal(level).divide(new BigDecimal(255), MathContext.DECIMAL128).floatValue();
            float unit = PixelLevels.unit((byte) level);
            assertEquals(Float.floatToIntBits(exact), Float.floatToIntBits(unit), "level " + level);
            if (unit != level * (1f / 255f)) {
                differFromTheReciprocal++;
            }
        }
        assertEquals(0f, PixelLevels.unit((byte) 0));
        assertEquals(1f, PixelLevels.unit((byte) 255));
        assertTrue(differFromTheReciprocal > 0, "a multiplication by 1/255 would not give ToTensor's bits");
    }
}
