package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.nn.Activation;
import dev.gatun.ops.Activations;
import dev.gatun.ops.DropoutOp;
import dev.gatun.ops.Losses;
import dev.gatun.ops.MatMul;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every differentiable op's gradient against central finite differences, in float64, on both backends. */
class GradientTest extends GradientTestBase {
    GradientTest() {
        super(7);
    }

    private Tensor positive(int... shape) {
        return Tensor.uniform(rng, 0.5, 2, DType.FLOAT64, shape);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void matmulAndLinear(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("matmul", in -> in.get(0).matmul(in.get(1)), rand(3, 5), rand(5, 4));
        GradCheck.check("matmul of transposed views", in -> in.get(0).t().matmul(in.get(1).t()), rand(5, 3), rand(4, 5));
        GradCheck.check("linear", in -> MatMul.linear(in.get(0), in.get(1), in.get(2)), rand(4, 7), rand(3, 7), rand(3));
        GradCheck.check("linear without bias", in -> MatMul.linear(in.get(0), in.get(1), null), rand(2, 3), rand(5, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void broadcastingArithmetic(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("add same shape", in -> in.get(0).add(in.get(1)), rand(3, 4), rand(3, 4));
        GradCheck.check("add row bias", in -> in.get(0).add(in.get(1)), rand(3, 4), rand(4));
        GradCheck.check("sub column", in -> in.get(0).sub(in.get(1)), rand(3, 4), rand(3, 1));
        GradCheck.check("mul outer broadcast", in -> in.get(0).mul(in.get(1)), rand(3, 1), rand(1, 4));
        GradCheck.check("mul rank 3 by rank 1", in -> in.get(0).mul(in.get(1)), rand(2, 3, 4), rand(4));
        GradCheck.check("div", in -> in.get(0).div(in.get(1)), rand(2, 5), positive(2, 5));
        GradCheck.check("div by broadcast", in -> in.get(0).div(in.get(1)), rand(2, 5), positive(1));
        GradCheck.check("scale", in -> in.get(0).mul(-2.5), rand(3, 3));
        GradCheck.check("shared input", in -> in.get(0).mul(in.get(0)).add(in.get(0)), rand(4, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void activations(String backend) {
        BackendRegistry.use(backend);
        // Keep relu inputs away from the kink at 0, where finite differences are meaningless.
        Tensor x = rand(3, 5);
        for (long i = 0; i < x.size(); i++) {
            double v = x.getFlat(i);
            x.setFlat(i, v + Math.copySign(0.1, v));
        }
        GradCheck.check("relu", in -> in.get(0).relu(), x);
        GradCheck.check("sigmoid", in -> in.get(0).sigmoid(), rand(3, 5));
        GradCheck.check("tanh", in -> in.get(0).tanh(), rand(3, 5));
        GradCheck.check("exp", in -> in.get(0).exp(), rand(3, 5));
        GradCheck.check("log", in -> in.get(0).log(), positive(3, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void parametrisedActivations(String backend) {
        BackendRegistry.use(backend);
        // Away from the kink at 0 of leaky ReLU and ELU (alpha != 1), and over [-4, 4] so GELU's,
        // SiLU's and softplus's curvature shows.
        Tensor x = uniform(-4, 4, 4, 6);
        for (long i = 0; i < x.size(); i++) {
            double v = x.getFlat(i);
            x.setFlat(i, v + Math.copySign(0.1, v));
        }
        for (UnaryFn f : new UnaryFn[] {UnaryFn.of(UnaryOp.GELU), UnaryFn.of(UnaryOp.GELU_TANH), UnaryFn.of(UnaryOp.SILU),
            UnaryFn.of(UnaryOp.SOFTPLUS), UnaryFn.of(UnaryOp.LEAKY_RELU), UnaryFn.of(UnaryOp.LEAKY_RELU, 0.3),
            UnaryFn.of(UnaryOp.ELU), UnaryFn.of(UnaryOp.ELU, 0.4), UnaryFn.of(UnaryOp.ELU, 2.5)}) {
            GradCheck.check(f.toString(), in -> Activations.unary(f, in.get(0)), x);
        }
        GradCheck.check("softmax layer", in -> Activation.of("softmax").forward(in.get(0)), rand(3, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void activationParametersSetTheGradient(String backend) {
        BackendRegistry.use(backend);
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0.5, 2}, 4);
        for (double slope : new double[] {0.01, 0.3}) {
            x.requiresGrad(true);
            x.setGrad(null);
            Activations.unary(UnaryFn.of(UnaryOp.LEAKY_RELU, slope), x).sum().backward();
            assertArrayEquals(new double[] {slope, slope, 1, 1}, x.grad().toDoubleArray(), 0.0, "leaky_relu slope " + slope);
        }
        for (double alpha : new double[] {1, 2.5}) {
            x.setGrad(null);
            Activations.unary(UnaryFn.of(UnaryOp.ELU, alpha), x).sum().backward();
            assertArrayEquals(new double[] {alpha * Math.exp(-2), alpha * Math.exp(-0.5), 1, 1},
                    x.grad().toDoubleArray(), 1e-15, "elu alpha " + alpha);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void reductions(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("sum axis 0", in -> in.get(0).sum(0, false), rand(4, 3));
        GradCheck.check("sum axis 1 keepdim", in -> in.get(0).sum(1, true), rand(4, 3));
        GradCheck.check("sum middle axis", in -> in.get(0).sum(1, false), rand(2, 3, 4));
        GradCheck.check("mean axis -1", in -> in.get(0).mean(-1, false), rand(2, 3, 4));
        GradCheck.check("sum all", in -> in.get(0).sum(), rand(3, 4));
        GradCheck.check("mean all", in -> in.get(0).mean(), rand(3, 4));
        GradCheck.check("max axis 1", in -> in.get(0).max(1, false), rand(4, 6));
        GradCheck.check("max axis 0 keepdim", in -> in.get(0).max(0, true), rand(4, 6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void softmaxAndLosses(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("softmax", in -> in.get(0).softmax(), rand(3, 5));
        GradCheck.check("log-softmax", in -> in.get(0).logSoftmax(), rand(3, 5));
        Tensor labels = Tensor.of(new int[] {4, 0, 2, 2}, 4);
        GradCheck.check("cross-entropy", in -> Losses.crossEntropy(in.get(0), labels), rand(4, 5));
        GradCheck.check("cross-entropy = nll of log-softmax",
                in -> Losses.crossEntropy(in.get(0), labels).sub(in.get(0).logSoftmax().mul(-1).mul(
                        Tensor.of(new double[] {0, 0, 0, 0, 0.25, 0.25, 0, 0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0.25, 0, 0}, 4, 5))
                        .sum()), rand(4, 5));
        GradCheck.check("mse", in -> Losses.mse(in.get(0), in.get(1)), rand(3, 4), rand(3, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void viewsAndCasts(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("reshape", in -> in.get(0).reshape(4, -1).mul(in.get(1)), rand(2, 6), rand(4, 3));
        GradCheck.check("transpose", in -> in.get(0).transpose(0, 1).contiguous().mul(in.get(1)), rand(2, 3), rand(3, 2));
        GradCheck.check("slice", in -> in.get(0).slice(1, 1, 3).mul(in.get(1)), rand(3, 5), rand(3, 2));
        GradCheck.check("slice of rank 3", in -> in.get(0).slice(0, 1, 2).sum(2, false), rand(3, 2, 4));
        GradCheck.check("cast round trip", 1e-3, 1e-3, in -> in.get(0).to(DType.FLOAT32).mul(2).to(DType.FLOAT64), rand(2, 3));
        GradCheck.check("dropout (fixed mask)", in -> DropoutOp.apply(in.get(0), 0.4, 1234), rand(5, 7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void smallMlpEndToEnd(String backend) {
        BackendRegistry.use(backend);
        Tensor labels = Tensor.of(new int[] {1, 0, 2}, 3);
        GradCheck.check("2-layer MLP + cross-entropy",
                in -> Losses.crossEntropy(MatMul.linear(MatMul.linear(in.get(0), in.get(1), in.get(2)).tanh(),
                        in.get(3), in.get(4)), labels),
                rand(3, 4), rand(5, 4), rand(5), rand(3, 5), rand(3));
    }
}
