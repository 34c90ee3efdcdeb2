package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The scalar reference of the RecurrentCells ops: plain loops in double over any strides. */
final class ScalarRecurrentCells {
    private ScalarRecurrentCells() {}

    static void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        throw new UnsupportedOperationException("lstmCell: not implemented yet");
    }

    static void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) {
        throw new UnsupportedOperationException("lstmCellBackward: not implemented yet");
    }

    static void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        throw new UnsupportedOperationException("gruCell: not implemented yet");
    }

    static void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        throw new UnsupportedOperationException("gruCellBackward: not implemented yet");
    }
}
