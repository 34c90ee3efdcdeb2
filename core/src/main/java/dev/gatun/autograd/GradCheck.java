package dev.gatun.autograd;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Compares autograd's gradients with central finite differences in float64, for tests of new ops
 * and layers. The op's output is reduced to a scalar with fixed random weights, so every output
 * element matters differently. Only float64 inputs are checked; a mismatch is an {@link
 * AssertionError} naming the input, the element and both values.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * {@link #check(String, double, double, Function, Tensor...)} with step and tolerance 1e-6.
     *
     * @param name what is checked, for the message
     * @param f the function of the inputs, in order
     * @param inputs the inputs; float64 ones get {@code requiresGrad}
     */
    public static void check(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        check(name, 1e-6, 1e-6, f, inputs);
    }

    /**
     * Checks the gradient of {@code f} with respect to every float64 input.
     *
     * @param name what is checked, for the message
     * @param eps the finite-difference step
     * @param tol the relative tolerance (scaled by 10 and by the larger magnitude, at least 1)
     * @param f the function of the inputs, in order
     * @param inputs the inputs; float64 ones get {@code requiresGrad}
     */
    public static void check(String name, double eps, double tol, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
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
            if (x.grad() == null) {
                throw new AssertionError(name + ": input " + k + " got no gradient");
            }
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
                if (!(Math.abs(numeric - analytic) <= tol * scale * 10)) {
                    throw new AssertionError(name + ": d/d input" + k + "[" + i + "] analytic " + analytic
                            + " vs numeric " + numeric);
                }
            }
        }
    }

    private static double scalar(Function<List<Tensor>, Tensor> f, List<Tensor> in, Tensor weights) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            return f.apply(in).mul(weights).sum().item();
        }
    }
}
