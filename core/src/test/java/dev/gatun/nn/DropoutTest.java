package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Counter-based dropout: the n-th mask depends only on (seed, n), so the counter is the whole random state. */
class DropoutTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static float[] mask(Dropout d) {
        return d.forward(Tensor.ones(DType.FLOAT32, 64)).toFloatArray();
    }

    @Test
    void aDropoutSetToDrawNContinuesLikeOneThatDrewN() {
        Dropout a = new Dropout(0.5, 7);
        mask(a);
        mask(a);
        float[] third = mask(a);
        assertEquals(3, a.draws());
        Dropout b = new Dropout(0.5, 7);
        b.setDraws(2);
        assertArrayEquals(third, mask(b));
        assertEquals(3, b.draws());
    }

    @Test
    void successiveMasksDifferAndEvaluationDrawsNone() {
        Dropout d = new Dropout(0.5, 7);
        float[] first = mask(d);
        assertFalse(Arrays.equals(first, mask(d)), "two draws gave the same 64-element mask");
        d.train(false);
        mask(d);
        assertEquals(2, d.draws(), "evaluation mode must not advance the counter");
        for (float v : first) {
            if (v != 0 && v != 2) {
                throw new AssertionError("inverted dropout with p = 0.5 keeps 2 or drops to 0, got " + v);
            }
        }
    }

    @Test
    void seedsOfNeighbouringCountersAreUnrelated() {
        assertEquals(0xE220A8397B1DCDAFL, Dropout.maskSeed(0, 0), "SplitMix64's first output for seed 0");
        assertFalse(Dropout.maskSeed(1, 0) == Dropout.maskSeed(0, 1));
    }

    @Test
    void negativeCounterIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0.1, 1).setDraws(-1));
    }
}
