package dev.gatun.backend;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * The argument checks of the pooling family, run by {@link PoolingOps}'s entry points for every
 * backend: x and dx have the geometry's input shape, y, dy and the argmax indices its output
 * shape; values of one float dtype, indices int32; outputs contiguous.
 */
final class PoolingChecks {
    private PoolingChecks() {}

    static void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        forward("maxPool2d", g, x, y);
        indices("maxPool2d", g, argmax);
        Elements.requireContiguous("maxPool2d", argmax);
    }

    static void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        backward("maxPool2dBackward", g, dy, dx);
        indices("maxPool2dBackward", g, argmax);
    }

    static void avgPool2d(Pool2dGeometry g, Tensor x, Tensor y) {
        forward("avgPool2d", g, x, y);
    }

    static void avgPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor dx) {
        backward("avgPool2dBackward", g, dy, dx);
    }

    private static void forward(String op, Pool2dGeometry g, Tensor x, Tensor y) {
        input(op, "x", g, x);
        output(op, "y", g, y);
        Elements.requireFloatDType(op, x, y);
        Elements.requireContiguous(op, y);
    }

    private static void backward(String op, Pool2dGeometry g, Tensor dy, Tensor dx) {
        output(op, "dy", g, dy);
        input(op, "dx", g, dx);
        Elements.requireFloatDType(op, dy, dx);
        Elements.requireContiguous(op, dx);
    }

    private static void indices(String op, Pool2dGeometry g, Tensor argmax) {
        output(op, "argmax", g, argmax);
        if (argmax.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": argmax must be int32, got " + argmax.describe());
        }
    }

    private static void input(String op, String name, Pool2dGeometry g, Tensor t) {
        if (!Elements.hasShape(t, g.batch(), g.channels(), g.inH(), g.inW())) {
            throw mismatch(op, name, t, new int[] {g.batch(), g.channels(), g.inH(), g.inW()});
        }
    }

    private static void output(String op, String name, Pool2dGeometry g, Tensor t) {
        if (!Elements.hasShape(t, g.batch(), g.channels(), g.outH(), g.outW())) {
            throw mismatch(op, name, t, g.outputShape());
        }
    }

    private static IllegalArgumentException mismatch(String op, String name, Tensor t, int[] shape) {
        return new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must have shape " + Shape.str(shape));
    }
}
