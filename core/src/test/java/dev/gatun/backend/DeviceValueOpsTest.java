package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The ops that read or write a value in a tensor instead of passing it through the host, for graph
 * capture: Adam with its step count in a tensor, and cross-entropy writing its mean loss into one.
 * On every backend they equal the host-valued ops bit for bit.
 */
class DeviceValueOpsTest {
    @Test
    void adamWithItsStepInATensorEqualsAdamWithTheStepPassed() {
        for (String name : new String[] {"scalar", "cpu"}) {
            Backend be = BackendRegistry.create(name);
            for (boolean decoupled : new boolean[] {false, true}) {
                try (Scope s = Scope.open("adam")) {
                    Tensor[] passed = state(37);
                    Tensor[] counted = state(37);
                    Tensor step = Tensor.zeros(DType.FLOAT32, 1);
                    for (int t = 1; t <= 5; t++) {
                        be.adamStep(passed[0], passed[1], passed[2], passed[3], 0.01, 0.9, 0.999, 1e-8, 0.1, decoupled, t);
                        step.fill(t);
                        be.adamStepCounted(counted[0], counted[1], counted[2], counted[3], 0.01, 0.9, 0.999, 1e-8, 0.1,
                                decoupled, step);
                    }
                    for (int i = 0; i < 4; i++) {
                        assertArrayEquals(passed[i].toFloatArray(), counted[i].toFloatArray(), name + " tensor " + i);
                    }
                }
            }
        }
    }

    @Test
    void aStepCountThatIsNotAWholeNumberFromOneIsRefused() {
        Backend be = BackendRegistry.create("cpu");
        try (Scope s = Scope.open("adam")) {
            Tensor[] p = state(4);
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> be.adamStepCounted(p[0],
                    p[1], p[2], p[3], 0.01, 0.9, 0.999, 1e-8, 0, false, Tensor.zeros(DType.FLOAT32, 1)));
            assertEquals("adam: step count must be a whole number >= 1, got 0.0", zero.getMessage());
            IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> be.adamStepCounted(p[0],
                    p[1], p[2], p[3], 0.01, 0.9, 0.999, 1e-8, 0, false, Tensor.zeros(DType.FLOAT32, 2)));
            assertEquals("adam: the step count must be one float32 element on cpu, got float32[2] on cpu",
                    two.getMessage());
        }
    }

    @Test
    void crossEntropyMeanWritesTheMeanOfTheReturnedSum() {
        for (String name : new String[] {"scalar", "cpu"}) {
            Backend be = BackendRegistry.create(name);
            try (Scope s = Scope.open("ce")) {
                Tensor logits = Tensor.uniform(3, -4, 4, DType.FLOAT32, 7, 5);
                Tensor labels = Tensor.of(new int[] {0, 4, 2, 2, 1, 3, 0}, 7);
                Tensor probs = Tensor.zeros(DType.FLOAT32, 7, 5);
                Tensor meanProbs = Tensor.zeros(DType.FLOAT32, 7, 5);
                Tensor loss = Tensor.zeros(DType.FLOAT32);
                double sum = be.crossEntropy(logits, labels, probs);
                be.crossEntropyMean(logits, labels, meanProbs, loss);
                assertEquals((float) (sum / 7), (float) loss.item(), name);
                assertArrayEquals(probs.toFloatArray(), meanProbs.toFloatArray(), name);
                assertThrows(IllegalArgumentException.class,
                        () -> be.crossEntropyMean(logits, labels, meanProbs, Tensor.zeros(DType.FLOAT32, 2)));
            }
        }
    }

    private static Tensor[] state(int n) {
        return new Tensor[] {Tensor.uniform(1, -1, 1, DType.FLOAT32, n), Tensor.uniform(2, -1, 1, DType.FLOAT32, n),
            Tensor.uniform(3, -0.1, 0.1, DType.FLOAT32, n), Tensor.uniform(4, 0, 0.1, DType.FLOAT32, n)};
    }
}
