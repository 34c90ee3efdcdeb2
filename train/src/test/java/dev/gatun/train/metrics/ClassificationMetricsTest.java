package dev.gatun.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Confusion matrix and derived metrics against a small example worked by hand. */
class ClassificationMetricsTest {
    // Class 2 occurs twice but is never predicted: its precision is 0 by convention (zero_division = 0).
    private static final int[] TRUTH = {0, 0, 1, 1, 1, 2, 2, 0};
    private static final int[] PREDICTED = {0, 1, 1, 1, 0, 1, 0, 0};
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void matchesTheHandComputedExample() {
        ConfusionMatrix cm = ConfusionMatrix.of(PREDICTED, TRUTH, 3);
        // rows = true class, columns = predicted class
        assertArrayEquals(new long[][] {{2, 1, 0}, {1, 2, 0}, {1, 1, 0}}, cm.counts());
        assertEquals(8, cm.total());
        assertEquals(0.5, cm.accuracy());
        // precision = TP / column sum: 2/4, 2/4, 0/0 → 0
        assertEquals(0.5, cm.precision(0));
        assertEquals(0.5, cm.precision(1));
        assertEquals(0.0, cm.precision(2));
        // recall = TP / row sum: 2/3, 2/3, 0/2
        assertEquals(2.0 / 3, cm.recall(0), 1e-15);
        assertEquals(2.0 / 3, cm.recall(1), 1e-15);
        assertEquals(0.0, cm.recall(2));
        // F1 = 2·0.5·(2/3) / (0.5 + 2/3) = 4/7, and 0 for class 2
        assertEquals(4.0 / 7, cm.f1(0), 1e-15);
        assertEquals(4.0 / 7, cm.f1(1), 1e-15);
        assertEquals(0.0, cm.f1(2));
        assertEquals(1.0 / 3, cm.macroPrecision(), 1e-15);
        assertEquals(4.0 / 9, cm.macroRecall(), 1e-15);
        assertEquals(8.0 / 21, cm.macroF1(), 1e-15);
        assertEquals(0.5, cm.microPrecision());
        assertEquals(0.5, cm.microRecall());
        assertEquals(0.5, cm.microF1());
    }

    @Test
    void fromLogitsUsesTheFirstMaximumOfEachRow() {
        Tensor logits = Tensor.of(new float[] {
                5, 1, 0,     // 0
                0, 2, 2,     // tie: first maximum, 1
                0, 0, 9,     // 2
                1, 1, 1}, 4, 3); // all tied: 0
        Tensor labels = Tensor.of(new int[] {0, 2, 2, 1}, 4);
        ConfusionMatrix cm = ConfusionMatrix.of(logits, labels);
        assertArrayEquals(new long[][] {{1, 0, 0}, {1, 0, 0}, {0, 1, 1}}, cm.counts());
        assertEquals(0.5, cm.accuracy());
    }

    @Test
    void topKBreaksTiesTowardsTheLowerClass() {
        Tensor logits = Tensor.of(new float[] {
                1, 3, 3, 0,
                1, 3, 3, 0,
                2, 2, 2, 2,
                2, 2, 2, 2,
                0, 0, 1, 5}, 5, 4);
        Tensor labels = Tensor.of(new int[] {2, 1, 3, 0, 2}, 5);
        // ranks of the true class: 1 (class 1 ties and is lower), 0, 3, 0, 1
        assertEquals(2.0 / 5, TopKAccuracy.of(logits, labels, 1));
        assertEquals(4.0 / 5, TopKAccuracy.of(logits, labels, 2));
        assertEquals(4.0 / 5, TopKAccuracy.of(logits, labels, 3));
        assertEquals(1.0, TopKAccuracy.of(logits, labels, 4));
        assertEquals(ConfusionMatrix.of(logits, labels).accuracy(), TopKAccuracy.of(logits, labels, 1),
                "top-1 is argmax accuracy");
    }

    @Test
    void badInputIsRejectedWithTheProblemNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0, 1}, new int[] {0}, 2));
        assertTrue(e.getMessage().contains("2 entries") && e.getMessage().contains("1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0, 3}, new int[] {0, 1}, 3));
        assertTrue(e.getMessage().contains("predicted class 3 at index 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0, 1}, new int[] {-1, 1}, 3));
        assertTrue(e.getMessage().contains("true class -1 at index 0"), e.getMessage());
        Tensor logits = Tensor.zeros(DType.FLOAT32, 3, 4);
        e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(logits, Tensor.of(new int[] {0, 1}, 2)));
        assertTrue(e.getMessage().contains("different N"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TopKAccuracy.of(logits, Tensor.of(new int[] {0, 1, 2}, 3), 5));
        assertTrue(e.getMessage().contains("k must be in [1, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TopKAccuracy.of(logits, Tensor.of(new int[] {0, 4, 2}, 3), 1));
        assertTrue(e.getMessage().contains("true class 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TopKAccuracy.of(logits, Tensor.zeros(DType.FLOAT32, 3), 1));
        assertTrue(e.getMessage().contains("int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(PREDICTED, TRUTH, 3).precision(3));
        assertTrue(e.getMessage().contains("class 3"), e.getMessage());
    }
}
