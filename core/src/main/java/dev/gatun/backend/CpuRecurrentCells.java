package dev.gatun.backend;

import dev.gatun.kernels.recurrent.GruCell;
import dev.gatun.kernels.recurrent.LstmCell;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * The CPU backend's recurrent cell ops, as it inherits them: Vector API kernels for contiguous
 * float32, the scalar reference otherwise.
 */
interface CpuRecurrentCells extends ScalarRecurrentCells {
    private static boolean fast(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) {
                return false;
            }
        }
        return true;
    }

    @Override
    default void lstmCellUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        if (!fast(gates, cPrev, c, h)) {
            ScalarRecurrentCells.super.lstmCellUnchecked(gates, cPrev, c, h);
            return;
        }
        LstmCell.forward(h.dim(0), h.dim(1), gates.segment(), gates.offset(), cPrev.segment(), cPrev.offset(),
                c.segment(), c.offset(), h.segment(), h.offset());
    }

    @Override
    default void lstmCellBackwardUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                           Tensor dcPrev) {
        if (!fast(gates, cPrev, c, dh, dc, dGates, dcPrev)) {
            ScalarRecurrentCells.super.lstmCellBackwardUnchecked(gates, cPrev, c, dh, dc, dGates, dcPrev);
            return;
        }
        LstmCell.backward(dcPrev.dim(0), dcPrev.dim(1), gates.segment(), gates.offset(), cPrev.segment(), cPrev.offset(),
                c.segment(), c.offset(), dh.segment(), dh.offset(), dc == null ? null : dc.segment(),
                dc == null ? 0 : dc.offset(), dGates.segment(), dGates.offset(), dcPrev.segment(), dcPrev.offset());
    }

    @Override
    default void gruCellUnchecked(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        if (!fast(xg, hg, hPrev, h, saved)) {
            ScalarRecurrentCells.super.gruCellUnchecked(xg, hg, hPrev, h, saved);
            return;
        }
        GruCell.forward(h.dim(0), h.dim(1), xg.segment(), xg.offset(), hg.segment(), hg.offset(), hPrev.segment(),
                hPrev.offset(), h.segment(), h.offset(), saved.segment(), saved.offset());
    }

    @Override
    default void gruCellBackwardUnchecked(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        if (!fast(saved, hPrev, dh, dxg, dhg, dhPrev)) {
            ScalarRecurrentCells.super.gruCellBackwardUnchecked(saved, hPrev, dh, dxg, dhg, dhPrev);
            return;
        }
        GruCell.backward(dhPrev.dim(0), dhPrev.dim(1), saved.segment(), saved.offset(), hPrev.segment(), hPrev.offset(),
                dh.segment(), dh.offset(), dxg.segment(), dxg.offset(), dhg.segment(), dhg.offset(),
                dhPrev.segment(), dhPrev.offset());
    }
}
