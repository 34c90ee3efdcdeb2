package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Conv2dGeometry;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;

/**
 * 2-D convolution, NCHW, with PyTorch's semantics (cross-correlation, zero padding).
 *
 * <pre>
 * x [n, inC, h, w], w [outC, inC/groups, kH, kW], b [outC] → y [n, outC, outH, outW]
 * dx = conv2dBackwardData(dy, w), dw and db = conv2dBackwardWeight(x, dy)
 * </pre>
 * Each gradient is computed only when its input needs one, so a first layer (x without
 * gradient) never pays for the data gradient.
 */
public final class Convolution {
    private Convolution() {}

    /**
     * y = conv2d(x, w) + b.
     *
     * @param x the input [batch, inChannels, inH, inW]
     * @param w the weights [outChannels, inChannels / groups, kH, kW]
     * @param biasOrNull [outChannels] or null
     * @param stride     {h, w}, each > 0
     * @param padding    {h, w}, each >= 0
     * @param dilation   {h, w}, each > 0
     * @param groups the number of channel groups; divides both channel counts
     * @return the output [batch, outChannels, outH, outW]
     * @throws IllegalArgumentException naming the problem: ranks, channel mismatch, bias shape or
     *     dtype, a kernel larger than the padded input, bad stride/padding/dilation/groups
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor biasOrNull, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        pair("stride", stride);
        pair("padding", padding);
        pair("dilation", dilation);
        Conv2dGeometry g = Conv2dGeometry.of(x, w, stride, padding, dilation, groups);
        if (biasOrNull != null) {
            if (biasOrNull.rank() != 1 || biasOrNull.dim(0) != g.outChannels()) {
                throw new IllegalArgumentException("conv2d: bias " + biasOrNull.describe() + " must be [" + g.outChannels()
                        + "], one value per output channel");
            }
            if (biasOrNull.dtype() != x.dtype()) {
                throw new IllegalArgumentException("conv2d: bias " + biasOrNull.describe() + " must have the input's dtype "
                        + x.dtype());
            }
        }
        return Autocast.lowered("conv2d", t -> convolve(g, t[0], t[1], t[2]), x, w, biasOrNull);
    }

    private static Tensor convolve(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull) {
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newEmpty(g.outputShape());
        be.conv2d(g, x, w, biasOrNull, y);
        return Autograd.record(y, "conv2d", dy -> {
            Tensor gy = dy.contiguous();
            Tensor dx = null;
            Tensor dw = null;
            Tensor db = null;
            if (x.requiresGrad()) {
                dx = Autograd.newGradient(x);
                be.conv2dBackwardData(g, gy, w, dx);
            }
            boolean needBias = biasOrNull != null && biasOrNull.requiresGrad();
            if (w.requiresGrad() || needBias) {
                dw = w.requiresGrad() ? Autograd.newGradient(w) : w.newEmpty(w.shape());
                db = needBias ? Autograd.newGradient(biasOrNull) : null;
                be.conv2dBackwardWeight(g, x, gy, dw, db);
            }
            return new Tensor[] {dx, w.requiresGrad() ? dw : null, db};
        }, x, w, biasOrNull);
    }

    private static void pair(String what, int[] v) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException("conv2d: " + what + " must be {h, w}, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
    }
}
