package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The CPU backend's RecurrentCells ops: Vector API kernels for float32, the scalar reference otherwise. */
final class CpuRecurrentCells {
    private CpuRecurrentCells() {}

    static void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        ScalarRecurrentCells.lstmCell(gates, cPrev, c, h);
    }

    static void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) {
        ScalarRecurrentCells.lstmCellBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
    }

    static void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        ScalarRecurrentCells.gruCell(xg, hg, hPrev, h, saved);
    }

    static void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        ScalarRecurrentCells.gruCellBackward(saved, hPrev, dh, dxg, dhg, dhPrev);
    }
}
