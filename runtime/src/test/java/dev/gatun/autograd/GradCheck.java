package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Compares autograd's gradients with central finite differences in float64. The op's output is
 * reduced to a scalar with fixed random weights, so every output element matters differently.
 */
final class GradCheck {
    private GradCheck() {}

    static void check(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        check(name, 1e-6, 1e-6, f, inputs);
    }

    static void check(String name, double eps, double tol, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t.dtype() == DType.FLOAT64) {
                t.requiresGrad(true);
                t.setGrad(null);
            }
        }
        List<Tensor> in = List.of(inputs);
        Tensor out = f.apply(in);
        Tensor weights = Tensor.uniform(new SplittableRandom(99), -1, 1, DType.FLOAT64, out.shape());
        Tensor objective = out.mul(weights).sum();
        objective.backward();
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (x.dtype() != DType.FLOAT64) {
                continue;
            }
            assertNotNull(x.grad(), name + ": input " + k + " got no gradient");
            for (long i = 0; i < x.size(); i++) {
                double saved = x.getFlat(i);
                x.setFlat(i, saved + eps);
                double plus = scalar(f, in, weights);
                x.setFlat(i, saved - eps);
                double minus = scalar(f, in, weights);
                x.setFlat(i, saved);
                double numeric = (plus - minus) / (2 * eps);
                double analytic = x.grad().getFlat(i);
                double scale = Math.max(1, Math.max(Math.abs(numeric), Math.abs(analytic)));
                assertEquals(numeric, analytic, tol * scale * 10,
                        name + ": d/d input" + k + "[" + i + "] analytic " + analytic + " vs numeric " + numeric);
            }
        }
    }

    private static double scalar(Function<List<Tensor>, Tensor> f, List<Tensor> in, Tensor weights) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            return f.apply(in).mul(weights).sum().item();
        }
    }
}
