package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.ops.Convolution;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gradients of Convolution.conv2d against central differences in float64, and its input errors. */
class ConvolutionGradientTest extends GradientTestBase {
    ConvolutionGradientTest() {
        super(5);
    }

    private static int[] p(int h, int w) {
        return new int[] {h, w};
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void plainWithBias(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("conv2d 3x3 pad 1", in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), p(1, 1), p(1, 1), p(1, 1), 1),
                rand(2, 2, 4, 5), rand(3, 2, 3, 3), rand(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void strideAndPaddingWithoutBias(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("conv2d stride 2x3 pad 2x1", in -> Convolution.conv2d(in.get(0), in.get(1), null, p(2, 3), p(2, 1), p(1, 1), 1),
                rand(1, 2, 6, 7), rand(2, 2, 3, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void dilation(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("conv2d dilation 2", in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), p(1, 1), p(1, 2), p(2, 2), 1),
                rand(1, 2, 6, 5), rand(2, 2, 2, 3), rand(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void groupsAndDepthwise(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("conv2d groups 2", in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), p(1, 1), p(1, 1), p(1, 1), 2),
                rand(2, 4, 4, 4), rand(4, 2, 3, 3), rand(4));
        GradCheck.check("conv2d depthwise", in -> Convolution.conv2d(in.get(0), in.get(1), null, p(2, 1), p(1, 1), p(1, 1), 3),
                rand(1, 3, 5, 4), rand(3, 1, 3, 3));
    }

    @Test
    void onlyTheGradientsAskedForAreMade() {
        Tensor x = rand(1, 1, 4, 4);
        Tensor w = rand(2, 1, 3, 3).requiresGrad(true);
        Tensor b = rand(2);
        Convolution.conv2d(x, w, b, p(1, 1), p(0, 0), p(1, 1), 1).sum().backward();
        assertTrue(x.grad() == null && b.grad() == null && w.grad() != null, "only w asked for a gradient");
    }

    @Test
    void badInputNamesTheProblem() {
        Tensor x = rand(2, 3, 5, 5);
        Tensor w = rand(4, 3, 3, 3);
        assertMessage(() -> Convolution.conv2d(x, rand(4, 3, 7, 7), null, p(1, 1), p(0, 0), p(1, 1), 1),
                "larger than the padded input");
        assertMessage(() -> Convolution.conv2d(x, rand(4, 2, 3, 3), null, p(1, 1), p(0, 0), p(1, 1), 1),
                "channel mismatch");
        assertMessage(() -> Convolution.conv2d(x, w, rand(5), p(1, 1), p(0, 0), p(1, 1), 1), "bias");
        assertMessage(() -> Convolution.conv2d(x, w, rand(4, 1), p(1, 1), p(0, 0), p(1, 1), 1), "must be [4]");
        assertMessage(() -> Convolution.conv2d(x, w, Tensor.zeros(DType.FLOAT32, 4), p(1, 1), p(0, 0), p(1, 1), 1),
                "dtype");
        assertMessage(() -> Convolution.conv2d(rand(3, 5, 5), w, null, p(1, 1), p(0, 0), p(1, 1), 1), "input must be 4-D");
        assertMessage(() -> Convolution.conv2d(x, w, null, new int[] {1}, p(0, 0), p(1, 1), 1), "stride must be {h, w}");
        assertMessage(() -> Convolution.conv2d(x, w, null, p(0, 1), p(0, 0), p(1, 1), 1), "strideH must be > 0");
        assertMessage(() -> Convolution.conv2d(x, w, null, p(1, 1), p(-1, 0), p(1, 1), 1), "padding must be >= 0");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
