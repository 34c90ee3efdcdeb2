package dev.gatun.train;

import dev.gatun.autograd.GradCheck;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** L1 and L2 penalties against central differences (away from w = 0, where |w| has no derivative). */
class RegularizationGradientTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = Tensor.uniform(seed, 0.1, 1, DType.FLOAT64, shape);
        for (long i = 0; i < t.size(); i++) {
            if (i % 2 == 1) {
                t.setFlat(i, -t.getFlat(i));
            }
        }
        return t;
    }

    @Test
    void l1() {
        GradCheck.check("l1", in -> Regularization.l1(List.of(new Parameter("a", in.get(0)),
                new Parameter("b", in.get(1))), 0.3).penalty(), awayFromZero(1, 3, 4), awayFromZero(2, 5));
    }

    @Test
    void l2() {
        GradCheck.check("l2", in -> Regularization.l2(List.of(new Parameter("a", in.get(0)),
                new Parameter("b", in.get(1))), 0.7).penalty(), awayFromZero(3, 2, 3), awayFromZero(4, 7));
    }
}
