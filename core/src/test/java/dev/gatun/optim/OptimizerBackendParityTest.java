package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.Backend;
import dev.gatun.backend.CpuBackend;
import dev.gatun.backend.ScalarBackend;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CPU backend's RMSprop and Adagrad steps against the scalar reference on random float32 inputs. */
class OptimizerBackendParityTest {
    private static final int[][] SHAPES = {{1}, {7}, {3, 11}, {257}, {17, 61}};
    private final Backend cpu = new CpuBackend();
    private final Backend scalar = new ScalarBackend();
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor random(long seed, double lo, double hi, int[] shape) {
        return Tensor.uniform(seed, lo, hi, DType.FLOAT32, shape);
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-5 * Math.max(1, Math.abs(e[i])), what + " element " + i);
        }
    }

    @Test
    void rmspropStepMatchesScalar() {
        double[][] options = {{0, 0, 0}, {0.01, 0.9, 0}, {0.05, 0, 1}, {0.02, 0.5, 1}};
        for (int[] shape : SHAPES) {
            for (double[] o : options) {
                boolean centered = o[2] == 1;
                Tensor[] cpuState = {random(1, -1, 1, shape), random(2, -1, 1, shape), random(3, 0.5, 1, shape),
                        random(4, -0.1, 0.1, shape), random(5, -0.1, 0.1, shape)};
                Tensor[] ref = new Tensor[cpuState.length];
                for (int i = 0; i < ref.length; i++) {
                    ref[i] = cpuState[i].mul(1.0);
                }
                for (int step = 0; step < 3; step++) {
                    cpu.rmspropStep(cpuState[0], cpuState[1], cpuState[2], o[1] != 0 ? cpuState[3] : null,
                            centered ? cpuState[4] : null, 0.01, 0.9, 1e-8, o[0], o[1], centered);
                    scalar.rmspropStep(ref[0], ref[1], ref[2], o[1] != 0 ? ref[3] : null, centered ? ref[4] : null,
                            0.01, 0.9, 1e-8, o[0], o[1], centered);
                }
                String what = "shape " + java.util.Arrays.toString(shape) + " options " + java.util.Arrays.toString(o);
                String[] names = {"param", "grad", "squareAvg", "buf", "gradAvg"};
                for (int i = 0; i < ref.length; i++) {
                    assertClose(ref[i], cpuState[i], names[i] + " " + what);
                }
            }
        }
    }

    @Test
    void adagradStepMatchesScalar() {
        double[][] options = {{0, 0}, {0.01, 0}, {0, 0.1}, {0.05, 0.02}};
        for (int[] shape : SHAPES) {
            for (double[] o : options) {
                Tensor p = random(1, -1, 1, shape);
                Tensor g = random(2, -1, 1, shape);
                Tensor s = random(3, 0, 0.5, shape);
                Tensor p2 = p.mul(1.0);
                Tensor g2 = g.mul(1.0);
                Tensor s2 = s.mul(1.0);
                for (int step = 1; step <= 3; step++) {
                    cpu.adagradStep(p, g, s, 0.1, o[1], o[0], 1e-10, step);
                    scalar.adagradStep(p2, g2, s2, 0.1, o[1], o[0], 1e-10, step);
                }
                String what = "shape " + java.util.Arrays.toString(shape) + " options " + java.util.Arrays.toString(o);
                assertClose(p2, p, "param " + what);
                assertClose(s2, s, "sum " + what);
            }
        }
    }

    @Test
    void stridedAndFloat64FallBackToTheReference() {
        Tensor p = random(1, -1, 1, new int[] {4, 6}).to(DType.FLOAT64);
        Tensor g = random(2, -1, 1, new int[] {4, 6}).to(DType.FLOAT64);
        Tensor s = Tensor.zeros(DType.FLOAT64, 4, 6);
        Tensor p2 = p.mul(1.0);
        cpu.adagradStep(p, g, s, 0.1, 0, 0, 1e-10, 1);
        scalar.adagradStep(p2, g, Tensor.zeros(DType.FLOAT64, 4, 6), 0.1, 0, 0, 1e-10, 1);
        assertEquals(java.util.Arrays.toString(p2.toDoubleArray()), java.util.Arrays.toString(p.toDoubleArray()));
    }

    @Test
    void mismatchedStateIsRejectedWithTheOpName() {
        Tensor p = Tensor.zeros(DType.FLOAT32, 4);
        Tensor small = Tensor.zeros(DType.FLOAT32, 3);
        for (Backend b : new Backend[] {cpu, scalar}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.rmspropStep(p, p, small, null, null, 0.01, 0.99, 1e-8, 0, 0, false));
            assertTrue(e.getMessage().contains("rmsprop"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> b.adagradStep(p, small, p, 0.01, 0, 0, 1e-10, 1));
            assertTrue(e.getMessage().contains("adagrad"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> b.rmspropStep(p, p, p, null, null, 0.01, 0.99, 1e-8, 0, 0.9, false));
            assertTrue(e.getMessage().contains("momentum buffer"), e.getMessage());
        }
    }
}
