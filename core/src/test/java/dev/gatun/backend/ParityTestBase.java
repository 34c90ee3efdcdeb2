package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every backend parity test needs: the CPU backend and the scalar reference it is held to,
 * a scope per test, seeded float32 inputs, and a relative comparison.
 */
abstract class ParityTestBase {
    protected final Backend cpu = new CpuBackend();
    protected final Backend ref = new ScalarBackend();
    protected final SplittableRandom rng;
    private Scope scope;

    protected ParityTestBase(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @BeforeEach
    void openScope() {
        scope = Scope.open(getClass().getSimpleName());
    }

    @AfterEach
    void closeScope() {
        scope.close();
    }

    /** Float32 uniform in [-1, 1). */
    protected Tensor rand(int... shape) {
        return uniform(-1, 1, shape);
    }

    /** Float32 uniform in [lo, hi). */
    protected Tensor uniform(double lo, double hi, int... shape) {
        return Tensor.uniform(rng, lo, hi, DType.FLOAT32, shape);
    }

    /** Every element within {@code tol} relative to max(1, |expected|); tol 0 asks for equality (−0 equals +0). */
    protected static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        double[] e = expected.contiguous().toDoubleArray();
        double[] a = actual.contiguous().toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }
}
