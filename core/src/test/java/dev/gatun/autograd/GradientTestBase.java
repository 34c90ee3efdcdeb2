package dev.gatun.autograd;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every gradient test needs: a scope per test for its tensors, a seeded generator, float64
 * random inputs, and the default backend restored afterwards (tests switch backends).
 */
abstract class GradientTestBase {
    protected final SplittableRandom rng;
    private Scope scope;

    protected GradientTestBase(long seed) {
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

    @AfterAll
    static void restoreBackend() {
        BackendRegistry.use("cpu");
    }

    /** Float64 uniform in [-1, 1). */
    protected Tensor rand(int... shape) {
        return uniform(-1, 1, shape);
    }

    /** Float64 uniform in [lo, hi). */
    protected Tensor uniform(double lo, double hi, int... shape) {
        return Tensor.uniform(rng, lo, hi, DType.FLOAT64, shape);
    }
}
