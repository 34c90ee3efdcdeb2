package dev.gatun.backend;

import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar definition of {@link ElementwiseOps#roundToHalf}: {@link HalfBits}' definitions
 * element by element on host memory (any strides). The scalar backend's implementation, and the
 * CPU backend's for strided inputs.
 */
final class HalfRoundingReference {
    private HalfRoundingReference() {}

    static void round(Precision precision, Tensor x, Tensor y) {
        Elements.Reader rx = Elements.reader(x, x.shape());
        MemorySegment ys = y.segment();
        for (long i = 0, n = y.size(); i < n; i++) {
            float v = (float) rx.at(i);
            ys.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, y.offset() + i,
                    precision == Precision.BF16 ? HalfBits.roundToBf16(v) : HalfBits.roundToFp16(v));
        }
    }
}
