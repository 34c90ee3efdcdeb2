package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.device.DeviceBlock;
import dev.gatun.kernels.recurrent.GruCell;
import dev.gatun.kernels.recurrent.LstmCell;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: the LSTM and GRU cell kernels (lstm_cell.cu, gru_cell.cu) against the CPU kernels'
 * scalar twins (LstmCell, GruCell) bit for bit, since they run VectorMath's σ and tanh ported
 * operation for operation, and against ScalarBackend (double, Math.exp and Math.tanh) within
 * {@link #REL} / {@link #ABS}. Batch 5, hidden 37; pre-activations include saturating values
 * (where e^-|x| is subnormal or 0) and a NaN. Skips without a GPU.
 */
class PtxRecurrentParityTest extends PtxParityTestBase {
    private static final int B = 5;
    private static final int H = 37;
    // Fewer threads than elements, so every thread goes round the grid-stride loop.
    private static final int BLOCKS = 3;
    private static final int BLOCK_THREADS = 32;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    PtxRecurrentParityTest() {
        super(23);
    }

    @Test
    void lstmCellMatchesTheCpu() {
        float[] gates = preActivations(4 * B * H);
        float[] cPrev = values(B * H, -1, 1);

        DeviceBlock dg = upload(gates), dc = upload(nans(B * H)), dh = upload(nans(B * H));
        run(PtxKernels.LSTM_CELL, BLOCKS, BLOCK_THREADS, dg, upload(cPrev), dc, dh, B, H);
        float[] gGpu = floats(dg, 4 * B * H), cGpu = floats(dc, B * H), hGpu = floats(dh, B * H);

        MemorySegment tg = seg(gates), tc = seg(new float[B * H]), th = seg(new float[B * H]);
        LstmCell.forwardScalar(B, H, tg, 0, seg(cPrev), 0, tc, 0, th, 0);
        assertArrayEquals(floats(tg), gGpu, "gates vs LstmCell");
        assertArrayEquals(floats(tc), cGpu, "c vs LstmCell");
        assertArrayEquals(floats(th), hGpu, "h vs LstmCell");

        Tensor rg = Tensor.of(gates, B, 4 * H), rc = Tensor.zeros(B, H), rh = Tensor.zeros(B, H);
        scalar.lstmCell(rg, Tensor.of(cPrev, B, H), rc, rh);
        assertClose(rg.toFloatArray(), gGpu, "gates vs ScalarBackend");
        assertClose(rc.toFloatArray(), cGpu, "c vs ScalarBackend");
        assertClose(rh.toFloatArray(), hGpu, "h vs ScalarBackend");
        assertTrue(Float.isNaN(hGpu[0]), "the NaN input gate propagates to h");
    }

    @Test
    void lstmCellBackwardMatchesTheCpuWithAndWithoutDc() {
        for (boolean withDc : new boolean[] {true, false}) {
            // Activated gates, c and cPrev as a forward step leaves them.
            float[] gates = preActivations(4 * B * H);
            gates[0] = 0.5f; // no NaN here: it would spread over the whole row of checks
            float[] cPrev = values(B * H, -1, 1);
            MemorySegment g = seg(gates), cs = seg(new float[B * H]);
            LstmCell.forwardScalar(B, H, g, 0, seg(cPrev), 0, cs, 0, seg(new float[B * H]), 0);
            float[] act = floats(g), c = floats(cs);
            float[] dh = values(B * H, -1, 1);
            float[] dc = withDc ? values(B * H, -1, 1) : null;

            DeviceBlock ddg = upload(nans(4 * B * H)), ddcp = upload(nans(B * H));
            run(PtxKernels.LSTM_CELL_BACKWARD, BLOCKS, BLOCK_THREADS, upload(act), upload(cPrev), upload(c),
                    upload(dh), withDc ? upload(dc) : 0L, ddg, ddcp, B, H);
            float[] dgGpu = floats(ddg, 4 * B * H), dcpGpu = floats(ddcp, B * H);

            MemorySegment tdg = seg(new float[4 * B * H]), tdcp = seg(new float[B * H]);
            LstmCell.backwardScalar(B, H, seg(act), 0, seg(cPrev), 0, seg(c), 0, seg(dh), 0,
                    withDc ? seg(dc) : null, 0, tdg, 0, tdcp, 0);
            String what = withDc ? " (with dc)" : " (dc null)";
            assertArrayEquals(floats(tdg), dgGpu, "dGates vs LstmCell" + what);
            assertArrayEquals(floats(tdcp), dcpGpu, "dcPrev vs LstmCell" + what);

            Tensor rdg = Tensor.zeros(B, 4 * H), rdcp = Tensor.zeros(B, H);
            scalar.lstmCellBackward(Tensor.of(act, B, 4 * H), Tensor.of(cPrev, B, H), Tensor.of(c, B, H),
                    Tensor.of(dh, B, H), withDc ? Tensor.of(dc, B, H) : null, rdg, rdcp);
            assertClose(rdg.toFloatArray(), dgGpu, "dGates vs ScalarBackend" + what);
            assertClose(rdcp.toFloatArray(), dcpGpu, "dcPrev vs ScalarBackend" + what);
        }
    }

    @Test
    void lstmCellBackwardMayWriteDcPrevOverDc() {
        float[] act = values(4 * B * H, 0.01, 0.99);
        float[] cPrev = values(B * H, -1, 1), c = values(B * H, -2, 2), dh = values(B * H, -1, 1);
        float[] dc = values(B * H, -1, 1);
        DeviceBlock ddc = upload(dc), ddg = upload(nans(4 * B * H));
        run(PtxKernels.LSTM_CELL_BACKWARD, BLOCKS, BLOCK_THREADS, upload(act), upload(cPrev), upload(c), upload(dh),
                ddc, ddg, ddc, B, H);
        MemorySegment tdg = seg(new float[4 * B * H]), tdcp = seg(new float[B * H]);
        LstmCell.backwardScalar(B, H, seg(act), 0, seg(cPrev), 0, seg(c), 0, seg(dh), 0, seg(dc), 0, tdg, 0, tdcp, 0);
        assertArrayEquals(floats(tdg), floats(ddg, 4 * B * H));
        assertArrayEquals(floats(tdcp), floats(ddc, B * H));
    }

    @Test
    void gruCellMatchesTheCpu() {
        float[] xg = preActivations(3 * B * H);
        float[] hg = values(3 * B * H, -3, 3);
        float[] hPrev = values(B * H, -1, 1);

        DeviceBlock dh = upload(nans(B * H)), ds = upload(nans(4 * B * H));
        run(PtxKernels.GRU_CELL, BLOCKS, BLOCK_THREADS, upload(xg), upload(hg), upload(hPrev), dh, ds, B, H);
        float[] hGpu = floats(dh, B * H), sGpu = floats(ds, 4 * B * H);

        MemorySegment th = seg(new float[B * H]), ts = seg(new float[4 * B * H]);
        GruCell.forwardScalar(B, H, seg(xg), 0, seg(hg), 0, seg(hPrev), 0, th, 0, ts, 0);
        assertArrayEquals(floats(th), hGpu, "h vs GruCell");
        assertArrayEquals(floats(ts), sGpu, "saved vs GruCell");

        Tensor rh = Tensor.zeros(B, H), rs = Tensor.zeros(B, 4 * H);
        scalar.gruCell(Tensor.of(xg, B, 3 * H), Tensor.of(hg, B, 3 * H), Tensor.of(hPrev, B, H), rh, rs);
        assertClose(rh.toFloatArray(), hGpu, "h vs ScalarBackend");
        assertClose(rs.toFloatArray(), sGpu, "saved vs ScalarBackend");
        assertTrue(Float.isNaN(hGpu[0]), "the NaN input gate propagates to h");
    }

    @Test
    void gruCellBackwardMatchesTheCpu() {
        // saved as a forward step leaves it.
        float[] xg = preActivations(3 * B * H);
        xg[0] = 0.5f; // no NaN here
        float[] hg = values(3 * B * H, -3, 3);
        float[] hPrev = values(B * H, -1, 1);
        MemorySegment ss = seg(new float[4 * B * H]);
        GruCell.forwardScalar(B, H, seg(xg), 0, seg(hg), 0, seg(hPrev), 0, seg(new float[B * H]), 0, ss, 0);
        float[] saved = floats(ss);
        float[] dh = values(B * H, -1, 1);

        DeviceBlock dxg = upload(nans(3 * B * H)), dhg = upload(nans(3 * B * H)), dhp = upload(nans(B * H));
        run(PtxKernels.GRU_CELL_BACKWARD, BLOCKS, BLOCK_THREADS, upload(saved), upload(hPrev), upload(dh), dxg, dhg,
                dhp, B, H);
        float[] dxgGpu = floats(dxg, 3 * B * H), dhgGpu = floats(dhg, 3 * B * H), dhpGpu = floats(dhp, B * H);

        MemorySegment tx = seg(new float[3 * B * H]), th = seg(new float[3 * B * H]), tp = seg(new float[B * H]);
        GruCell.backwardScalar(B, H, seg(saved), 0, seg(hPrev), 0, seg(dh), 0, tx, 0, th, 0, tp, 0);
        assertArrayEquals(floats(tx), dxgGpu, "dxg vs GruCell");
        assertArrayEquals(floats(th), dhgGpu, "dhg vs GruCell");
        assertArrayEquals(floats(tp), dhpGpu, "dhPrev vs GruCell");

        Tensor rx = Tensor.zeros(B, 3 * H), rhg = Tensor.zeros(B, 3 * H), rp = Tensor.zeros(B, H);
        scalar.gruCellBackward(Tensor.of(saved, B, 4 * H), Tensor.of(hPrev, B, H), Tensor.of(dh, B, H), rx, rhg, rp);
        assertClose(rx.toFloatArray(), dxgGpu, "dxg vs ScalarBackend");
        assertClose(rhg.toFloatArray(), dhgGpu, "dhg vs ScalarBackend");
        assertClose(rp.toFloatArray(), dhpGpu, "dhPrev vs ScalarBackend");
    }

    // ---- values and comparisons ----------------------------------------------------------------

    /**
     * Pre-activations in [-4, 4), with saturating values every 13th element (±20 and ±100: e^-100
     * is subnormal in float, e^-200 is 0, which VectorMath's exp takes its wide path for) and a
     * NaN first.
     */
    private float[] preActivations(int n) {
        float[] out = values(n, -4, 4);
        float[] extremes = {20f, -20f, 100f, -100f, 200f, -200f};
        for (int i = 0; i < n; i += 13) {
            out[i] = extremes[(i / 13) % extremes.length];
        }
        out[0] = Float.NaN;
        return out;
    }

    /** |actual − expected| <= ABS + REL·|expected| everywhere; NaN and infinities exactly. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertRelative(expected, actual, REL, ABS, what);
    }
}
