package dev.gatun.backend;

import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * The argument checks of the convolution family, run by {@link ConvolutionOps}'s entry points for
 * every backend: each tensor of a call against its geometry, one float dtype, outputs contiguous.
 */
final class ConvolutionChecks {
    private ConvolutionChecks() {}

    static void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        shapes("conv2d", g, x, w, biasOrNull, y, "y");
        Elements.requireContiguous("conv2d", y);
    }

    static void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        shapes("conv2dBackwardData", g, dx, w, null, dy, "dy");
        Elements.requireContiguous("conv2dBackwardData", dx);
    }

    static void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        String op = "conv2dBackwardWeight";
        shapes(op, g, x, dw, dbiasOrNull, dy, "dy");
        Elements.requireContiguous(op, dw);
        if (dbiasOrNull != null) {
            Elements.requireContiguous(op, dbiasOrNull);
        }
    }

    /**
     * The input-side tensor (x or dx) has g's input shape, the weight-side one (w or dw) g's weight
     * shape, the bias (or its gradient; may be null) [outChannels], the output-side one (y or dy)
     * g's output shape; all of one float dtype.
     */
    private static void shapes(String op, Conv2dGeometry g, Tensor input, Tensor weight, Tensor biasOrNull,
                               Tensor output, String outputName) {
        Elements.requireFloatDType(op, input, weight, biasOrNull, output);
        if (!Elements.hasShape(input, g.batch(), g.inChannels(), g.inH(), g.inW())) {
            throw mismatch(op, "input", input, g.inputShape());
        }
        if (!Elements.hasShape(weight, g.outChannels(), g.inChannels() / g.groups(), g.kernelH(), g.kernelW())) {
            throw mismatch(op, "weight", weight, g.weightShape());
        }
        if (biasOrNull != null && (biasOrNull.rank() != 1 || biasOrNull.dim(0) != g.outChannels())) {
            throw mismatch(op, "bias", biasOrNull, new int[] {g.outChannels()});
        }
        if (!Elements.hasShape(output, g.batch(), g.outChannels(), g.outH(), g.outW())) {
            throw mismatch(op, outputName, output, g.outputShape());
        }
    }

    private static IllegalArgumentException mismatch(String op, String what, Tensor t, int[] expected) {
        return new IllegalArgumentException(op + ": " + what + " " + t.describe()
                + " does not match the geometry, which needs " + Shape.str(expected));
    }
}
