package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.Tensor;

/** Softmax and log-softmax along the last axis. */
public final class SoftmaxOps {
    private SoftmaxOps() {}

    /**
     * e^x / Σ e^x along the last axis.
     *
     * @param x the input
     * @return the softmax, of x's shape
     */
    public static Tensor softmax(Tensor x) {
        return compute(x, false);
    }

    /**
     * x - log Σ e^x along the last axis.
     *
     * @param x the input
     * @return the log-softmax, of x's shape
     */
    public static Tensor logSoftmax(Tensor x) {
        return compute(x, true);
    }

    private static Tensor compute(Tensor x, boolean log) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException("softmax needs at least one axis, got " + x.describe());
        }
        Autocast.keepsFloat32(log ? "log_softmax" : "softmax");
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newZeros(x.shape());
        be.softmax(x, y, log);
        return Autograd.record(y, log ? "log_softmax" : "softmax", g -> {
            Tensor dx = x.newZeros(x.shape());
            be.softmaxBackward(y, g, dx, log);
            return new Tensor[] {dx};
        }, x);
    }
}
