package dev.gatun.backend;

import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The default {@link ElementwiseOps#roundToHalf}: {@link HalfBits}' definitions element by
 * element on host memory (any strides), and through host copies for a device that has no
 * kernel of its own yet.
 */
final class HalfRoundingReference {
    private HalfRoundingReference() {}

    static void round(ElementwiseOps backend, Precision precision, Tensor x, Tensor y) {
        if (!y.device().isHost()) {
            try (Scope s = Scope.open("roundToHalf through the host")) {
                Tensor hostY = x.to(Device.CPU).contiguous();
                round(backend, precision, hostY, hostY);
                backend.copy(hostY.to(y.device()), y);
            }
            return;
        }
        Elements.Reader rx = Elements.reader(x, x.shape());
        MemorySegment ys = y.segment();
        for (long i = 0, n = y.size(); i < n; i++) {
            float v = (float) rx.at(i);
            ys.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, y.offset() + i,
                    precision == Precision.BF16 ? HalfBits.roundToBf16(v) : HalfBits.roundToFp16(v));
        }
    }
}
