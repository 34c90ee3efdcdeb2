package dev.gatun.backend;

import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;

/**
 * {@link Backend}'s default {@link ElementwiseOps#roundToHalf}: a cast down into a 16-bit
 * temporary on the tensors' device and a cast back, two {@link CastOps#cast} kernels that never
 * leave the device. The casts round to nearest, ties to even, and keep NaNs as {@code HalfBits}
 * does, so the result is the scalar definition bit for bit.
 */
final class HalfRoundTrip {
    private HalfRoundTrip() {}

    static void round(Backend backend, Precision precision, Tensor x, Tensor y) {
        try (Scope s = Scope.open("roundToHalf")) {
            Tensor half = y.newEmpty(precision.halfDType(), y.shape());
            backend.cast(x, half);
            backend.cast(half, y);
        }
    }
}
