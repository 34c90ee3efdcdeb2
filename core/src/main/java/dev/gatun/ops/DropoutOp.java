package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.device.GraphCaptureException;
import dev.gatun.tensor.Tensor;

/** Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p). */
public final class DropoutOp {
    private DropoutOp() {}

    /**
     * y = x * mask with a mask drawn from {@code seed}; the gradient is dy * mask.
     *
     * @param x the input
     * @param p the probability of dropping an element, in [0, 1]
     * @param seed the seed the mask is drawn from
     * @return x·mask, of x's shape
     */
    public static Tensor apply(Tensor x, double p, long seed) {
        if (DeviceRuntimes.isCapturing(x.device())) {
            // The seed would be baked into the graph: every replay would drop the same elements.
            throw new GraphCaptureException(GraphCaptureException.Reason.NOT_CAPTURABLE, "dropout on " + x.device()
                    + " during a graph capture: its mask is drawn from a host seed, which a replay would repeat");
        }
        Backend be = BackendRegistry.of(x);
        Tensor mask = x.newZeros(x.shape());
        Tensor y = x.newZeros(x.shape());
        be.dropout(x, mask, y, p, seed);
        return Autograd.record(y, "dropout", g -> new Tensor[] {g.mul(mask)}, x);
    }
}
