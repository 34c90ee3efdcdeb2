package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** Checks shared by optimizer updates: same shape and dtype, all contiguous. */
public final class OptimizerShapes {
    private OptimizerShapes() {}

    public static void check(String op, Tensor param, Tensor... state) {
        Elements.requireContiguous(op, param);
        for (Tensor t : state) {
            if (t == null) {
                continue;
            }
            Elements.requireSameShape(op, param, t);
            Elements.requireContiguous(op, t);
            if (t.dtype() != param.dtype()) {
                throw new IllegalArgumentException(op + ": dtype mismatch " + param.describe() + " vs " + t.describe());
            }
        }
    }
}
