package dev.gatun.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each augmentation on small hand-made images, its options' validation and its determinism. */
class AugmentationTest {
    private static final ImageShape TWO_BY_3X4 = new ImageShape(2, 3, 4);

    /** Channel c, row y, column x holds 100c + 10y + x + 1 (never 0, so zero fill is visible). */
    private static float[] ramp(ImageShape s) {
        float[] p = new float[s.size()];
        for (int c = 0; c < s.channels(); c++) {
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    p[(c * s.height() + y) * s.width() + x] = 100 * c + 10 * y + x + 1;
                }
            }
        }
        return p;
    }

    private static float at(float[] p, ImageShape s, int c, int y, int x) {
        return p[(c * s.height() + y) * s.width() + x];
    }

    @Test
    void flipReversesEveryRowOfEveryChannel() {
        float[] p = ramp(TWO_BY_3X4);
        HorizontalFlip.flip(p, TWO_BY_3X4);
        assertArrayEquals(new float[] {
            4, 3, 2, 1, 14, 13, 12, 11, 24, 23, 22, 21,
            104, 103, 102, 101, 114, 113, 112, 111, 124, 123, 122, 121}, p);
        ImageShape odd = new ImageShape(1, 1, 3);
        float[] q = {1, 2, 3};
        HorizontalFlip.flip(q, odd);
        assertArrayEquals(new float[] {3, 2, 1}, q, "the middle column of an odd width stays");

        float[] always = ramp(TWO_BY_3X4);
        new HorizontalFlip(1).apply(always, TWO_BY_3X4, new SplittableRandom(3));
        assertArrayEquals(p, always, "p = 1 always flips");
    }

    @Test
    void shiftMovesContentAndFillsZeros() {
        float[] p = ramp(TWO_BY_3X4);
        RandomCrop.shift(p, TWO_BY_3X4, 1, -2); // down 1, left 2
        assertArrayEquals(new float[] {
            0, 0, 0, 0, 3, 4, 0, 0, 13, 14, 0, 0,
            0, 0, 0, 0, 103, 104, 0, 0, 113, 114, 0, 0}, p);
        float[] gone = ramp(TWO_BY_3X4);
        RandomCrop.shift(gone, TWO_BY_3X4, 0, 4);
        assertArrayEquals(new float[TWO_BY_3X4.size()], gone, "a shift by the whole width leaves only zeros");
        float[] same = ramp(TWO_BY_3X4);
        RandomCrop.shift(same, TWO_BY_3X4, 0, 0);
        assertArrayEquals(ramp(TWO_BY_3X4), same);
    }

    @Test
    void randomCropDrawsEveryOffsetWithinPad() {
        ImageShape s = new ImageShape(1, 5, 5);
        RandomCrop crop = new RandomCrop(1);
        boolean[][] seen = new boolean[3][3];
        for (int i = 0; i < 400; i++) {
            float[] p = ramp(s);
            crop.apply(p, s, new SplittableRandom(i));
            // The centre pixel (2, 2) = 23 lands at (2 + dy, 2 + dx).
            int found = 0;
            for (int y = 1; y <= 3; y++) {
                for (int x = 1; x <= 3; x++) {
                    if (at(p, s, 0, y, x) == 23) {
                        seen[y - 1][x - 1] = true;
                        found++;
                        float[] expect = ramp(s);
                        RandomCrop.shift(expect, s, y - 2, x - 2);
                        assertArrayEquals(expect, p);
                    }
                }
            }
            assertEquals(1, found);
        }
        for (boolean[] row : seen) {
            for (boolean b : row) {
                assertTrue(b, "every shift in -1..1 occurs: " + Arrays.deepToString(seen));
            }
        }
    }

    @Test
    void erasingTouchesOnlyItsRectangleInEveryChannel() {
        float[] p = ramp(TWO_BY_3X4);
        RandomErasing.erase(p, TWO_BY_3X4, new RandomErasing.Region(1, 1, 2, 2), -5f);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    boolean inside = y >= 1 && y <= 2 && x >= 1 && x <= 2;
                    assertEquals(inside ? -5f : 100 * c + 10 * y + x + 1, at(p, TWO_BY_3X4, c, y, x));
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> RandomErasing.erase(p, TWO_BY_3X4, new RandomErasing.Region(2, 0, 2, 1), 0f));
    }

    @Test
    void erasingRegionFollowsTheDrawnScaleAndRatio() {
        ImageShape s = new ImageShape(1, 20, 30);
        // A square of exactly a quarter of the area: h = w = round(√150) = 12.
        RandomErasing quarter = new RandomErasing(1, 0.25, 0.25, 1, 1, 0f);
        for (int i = 0; i < 50; i++) {
            RandomErasing.Region r = quarter.region(s, new SplittableRandom(i));
            assertEquals(12, r.height());
            assertEquals(12, r.width());
            assertTrue(r.top() >= 0 && r.top() + 12 <= 20 && r.left() >= 0 && r.left() + 12 <= 30, r.toString());

            float[] p = ramp(s);
            new RandomErasing(1, 0.25, 0.25, 1, 1, 0f).apply(p, s, new SplittableRandom(i));
            int zeros = 0;
            for (float v : p) {
                zeros += v == 0 ? 1 : 0;
            }
            assertEquals(144, zeros, "apply erases the one rectangle");
        }
        // Too large to fit in any try (h = w = 20 is not < 20 rows): the image is left alone.
        RandomErasing whole = new RandomErasing(1, 1, 1, 1, 1, 0f);
        assertNull(whole.region(new ImageShape(1, 20, 20), new SplittableRandom(1)));
        float[] p = ramp(new ImageShape(1, 20, 20));
        whole.apply(p, new ImageShape(1, 20, 20), new SplittableRandom(1));
        assertArrayEquals(ramp(new ImageShape(1, 20, 20)), p);
        assertNotNull(RandomErasing.of(0.5).region(s, new SplittableRandom(9)));
    }

    @Test
    void noiseHasTheRequestedMeanAndStd() {
        ImageShape s = new ImageShape(1, 200, 200);
        float[] p = new float[s.size()];
        Arrays.fill(p, 0.5f);
        new GaussianNoise(0.1).apply(p, s, new SplittableRandom(5));
        double sum = 0;
        double sq = 0;
        for (float v : p) {
            sum += v - 0.5;
            sq += (v - 0.5) * (v - 0.5);
        }
        double mean = sum / p.length;
        double std = Math.sqrt(sq / p.length - mean * mean);
        // 40 000 draws: the mean's standard error is 0.0005, the std's about 0.00035.
        assertEquals(0, mean, 0.002);
        assertEquals(0.1, std, 0.002);
    }

    @Test
    void zeroStrengthIsTheIdentityBitForBit() {
        float[] original = ramp(TWO_BY_3X4);
        original[0] = -0.0f;
        original[1] = Float.NaN;
        original[2] = Float.MIN_VALUE;
        Augmentation none = Compose.of(new HorizontalFlip(0), new RandomCrop(0), new GaussianNoise(0),
                new RandomErasing(0, 0.02, 0.33, 0.3, 3.3, 0f));
        for (int seed = 0; seed < 20; seed++) {
            float[] p = original.clone();
            none.apply(p, TWO_BY_3X4, new SplittableRandom(seed));
            for (int i = 0; i < p.length; i++) {
                assertEquals(Float.floatToRawIntBits(original[i]), Float.floatToRawIntBits(p[i]), "value " + i);
            }
        }
    }

    @Test
    void composeAppliesStagesInOrder() {
        float[] p = ramp(TWO_BY_3X4);
        Compose.of(new HorizontalFlip(1), (x, s, r) -> RandomCrop.shift(x, s, 0, 1)).apply(p, TWO_BY_3X4,
                new SplittableRandom(0));
        float[] expect = ramp(TWO_BY_3X4);
        HorizontalFlip.flip(expect, TWO_BY_3X4);
        RandomCrop.shift(expect, TWO_BY_3X4, 0, 1);
        assertArrayEquals(expect, p);
        // Flip then shift differs from shift then flip, so the order was followed.
        float[] other = ramp(TWO_BY_3X4);
        RandomCrop.shift(other, TWO_BY_3X4, 0, 1);
        HorizontalFlip.flip(other, TWO_BY_3X4);
        assertFalse(Arrays.equals(expect, other));
    }

    @Test
    void sampleRandomIsAPureFunctionOfSeedEpochAndExample() {
        assertEquals(SampleRandom.of(7, 3, 11).nextLong(), SampleRandom.of(7, 3, 11).nextLong());
        long base = SampleRandom.of(7, 3, 11).nextLong();
        assertFalse(base == SampleRandom.of(8, 3, 11).nextLong(), "seed");
        assertFalse(base == SampleRandom.of(7, 4, 11).nextLong(), "epoch");
        assertFalse(base == SampleRandom.of(7, 3, 12).nextLong(), "example");
        // Swapping epoch and example must not collide.
        assertFalse(SampleRandom.of(7, 1, 2).nextLong() == SampleRandom.of(7, 2, 1).nextLong());
    }

    @Test
    void optionsAreValidatedByName() {
        assertMessage("horizontal flip: p must be a probability in [0, 1], got 1.5", () -> new HorizontalFlip(1.5));
        assertMessage("horizontal flip: p must be a probability in [0, 1], got NaN", () -> new HorizontalFlip(Double.NaN));
        assertMessage("random crop: pad must be >= 0, got -1", () -> new RandomCrop(-1));
        assertMessage("gaussian noise: std must be a finite value >= 0, got -0.1", () -> new GaussianNoise(-0.1));
        assertMessage("gaussian noise: std must be a finite value >= 0, got Infinity",
                () -> new GaussianNoise(Double.POSITIVE_INFINITY));
        assertMessage("random erasing: p must be a probability in [0, 1], got -0.5", () -> RandomErasing.of(-0.5));
        assertMessage("random erasing: scale range must satisfy 0 <= scaleMin <= scaleMax <= 1, got scaleMin 0.5, "
                + "scaleMax 0.2", () -> new RandomErasing(0.5, 0.5, 0.2, 0.3, 3.3, 0f));
        assertMessage("random erasing: scale range must satisfy 0 <= scaleMin <= scaleMax <= 1, got scaleMin 0.1, "
                + "scaleMax 1.5", () -> new RandomErasing(0.5, 0.1, 1.5, 0.3, 3.3, 0f));
        assertMessage("random erasing: ratio range must satisfy 0 < ratioMin <= ratioMax (finite), got ratioMin 3.0, "
                + "ratioMax 0.3", () -> new RandomErasing(0.5, 0.02, 0.33, 3, 0.3, 0f));
        assertMessage("random erasing: ratio range must satisfy 0 < ratioMin <= ratioMax (finite), got ratioMin 0.0, "
                + "ratioMax 1.0", () -> new RandomErasing(0.5, 0.02, 0.33, 0, 1, 0f));
        assertMessage("random erasing: value must be finite, got NaN",
                () -> new RandomErasing(0.5, 0.02, 0.33, 0.3, 3.3, Float.NaN));
        assertMessage("compose: stage 1 is null", () -> Compose.of(new HorizontalFlip(0.5), null));
        assertMessage("augmentation needs image examples of shape [channels, height, width], got [784]; give the data "
                + "set a feature shape such as [1, 28, 28]", () -> ImageShape.of(new int[] {784}));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action).getMessage());
    }
}
