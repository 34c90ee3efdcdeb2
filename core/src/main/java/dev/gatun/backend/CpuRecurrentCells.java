package dev.gatun.backend;

import dev.gatun.kernels.recurrent.GruCell;
import dev.gatun.kernels.recurrent.LstmCell;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** The CPU backend's recurrent cell ops: Vector API kernels for contiguous float32, the scalar reference otherwise. */
final class CpuRecurrentCells {
    private CpuRecurrentCells() {}

    private static boolean fast(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) {
                return false;
            }
        }
        return true;
    }

    static void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        int[] bh = ScalarRecurrentCells.checkLstm("lstmCell", gates, cPrev, c, h);
        if (!fast(gates, cPrev, c, h)) {
            ScalarRecurrentCells.lstmCell(gates, cPrev, c, h);
            return;
        }
        LstmCell.forward(bh[0], bh[1], gates.segment(), gates.offset(), cPrev.segment(), cPrev.offset(),
                c.segment(), c.offset(), h.segment(), h.offset());
    }

    static void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) {
        int[] bh = ScalarRecurrentCells.checkLstmBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
        if (!fast(gates, cPrev, c, dh, dc, dGates, dcPrev)) {
            ScalarRecurrentCells.lstmCellBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
            return;
        }
        LstmCell.backward(bh[0], bh[1], gates.segment(), gates.offset(), cPrev.segment(), cPrev.offset(),
                c.segment(), c.offset(), dh.segment(), dh.offset(), dc == null ? null : dc.segment(),
                dc == null ? 0 : dc.offset(), dGates.segment(), dGates.offset(), dcPrev.segment(), dcPrev.offset());
    }

    static void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        int[] bh = ScalarRecurrentCells.checkGru(xg, hg, hPrev, h, saved);
        if (!fast(xg, hg, hPrev, h, saved)) {
            ScalarRecurrentCells.gruCell(xg, hg, hPrev, h, saved);
            return;
        }
        GruCell.forward(bh[0], bh[1], xg.segment(), xg.offset(), hg.segment(), hg.offset(), hPrev.segment(),
                hPrev.offset(), h.segment(), h.offset(), saved.segment(), saved.offset());
    }

    static void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        int[] bh = ScalarRecurrentCells.checkGruBackward(saved, hPrev, dh, dxg, dhg, dhPrev);
        if (!fast(saved, hPrev, dh, dxg, dhg, dhPrev)) {
            ScalarRecurrentCells.gruCellBackward(saved, hPrev, dh, dxg, dhg, dhPrev);
            return;
        }
        GruCell.backward(bh[0], bh[1], saved.segment(), saved.offset(), hPrev.segment(), hPrev.offset(),
                dh.segment(), dh.offset(), dxg.segment(), dxg.offset(), dhg.segment(), dhg.offset(),
                dhPrev.segment(), dhPrev.offset());
    }
}
