package dev.gatun.backend;

import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * The scalar reference of the recurrent cell ops: plain loops in double over any strides. Also
 * holds the shape checks both backends run before touching memory.
 */
public final class ScalarRecurrentCells {
    private ScalarRecurrentCells() {}

    static void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        int[] bh = checkLstm("lstmCell", gates, cPrev, c, h);
        Matrix g = new Matrix(gates);
        Matrix cp = new Matrix(cPrev);
        Matrix co = new Matrix(c);
        Matrix ho = new Matrix(h);
        int hidden = bh[1];
        for (int b = 0; b < bh[0]; b++) {
            for (int j = 0; j < hidden; j++) {
                double i = sigmoid(g.get(b, j));
                double f = sigmoid(g.get(b, hidden + j));
                double gg = Math.tanh(g.get(b, 2 * hidden + j));
                double o = sigmoid(g.get(b, 3 * hidden + j));
                double cv = f * cp.get(b, j) + i * gg;
                g.set(b, j, i);
                g.set(b, hidden + j, f);
                g.set(b, 2 * hidden + j, gg);
                g.set(b, 3 * hidden + j, o);
                co.set(b, j, cv);
                ho.set(b, j, o * Math.tanh(co.get(b, j)));
            }
        }
    }

    static void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) {
        int[] bh = checkLstmBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
        Matrix g = new Matrix(gates);
        Matrix cp = new Matrix(cPrev);
        Matrix co = new Matrix(c);
        Matrix dho = new Matrix(dh);
        Matrix dco = dc == null ? null : new Matrix(dc);
        Matrix dg = new Matrix(dGates);
        Matrix dcp = new Matrix(dcPrev);
        int hidden = bh[1];
        for (int b = 0; b < bh[0]; b++) {
            for (int j = 0; j < hidden; j++) {
                double i = g.get(b, j);
                double f = g.get(b, hidden + j);
                double gg = g.get(b, 2 * hidden + j);
                double o = g.get(b, 3 * hidden + j);
                double tc = Math.tanh(co.get(b, j));
                double d = dho.get(b, j);
                double dct = d * o * (1 - tc * tc) + (dco == null ? 0 : dco.get(b, j));
                double cpv = cp.get(b, j);
                dg.set(b, j, dct * gg * i * (1 - i));
                dg.set(b, hidden + j, dct * cpv * f * (1 - f));
                dg.set(b, 2 * hidden + j, dct * i * (1 - gg * gg));
                dg.set(b, 3 * hidden + j, d * tc * o * (1 - o));
                dcp.set(b, j, dct * f);
            }
        }
    }

    static void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        int[] bh = checkGru(xg, hg, hPrev, h, saved);
        Matrix x = new Matrix(xg);
        Matrix hh = new Matrix(hg);
        Matrix hp = new Matrix(hPrev);
        Matrix ho = new Matrix(h);
        Matrix s = new Matrix(saved);
        int hidden = bh[1];
        for (int b = 0; b < bh[0]; b++) {
            for (int j = 0; j < hidden; j++) {
                double r = sigmoid(x.get(b, j) + hh.get(b, j));
                double z = sigmoid(x.get(b, hidden + j) + hh.get(b, hidden + j));
                double hn = hh.get(b, 2 * hidden + j);
                double n = Math.tanh(x.get(b, 2 * hidden + j) + r * hn);
                double out = (1 - z) * n + z * hp.get(b, j);
                s.set(b, j, r);
                s.set(b, hidden + j, z);
                s.set(b, 2 * hidden + j, n);
                s.set(b, 3 * hidden + j, hn);
                ho.set(b, j, out);
            }
        }
    }

    static void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        int[] bh = checkGruBackward(saved, hPrev, dh, dxg, dhg, dhPrev);
        Matrix s = new Matrix(saved);
        Matrix hp = new Matrix(hPrev);
        Matrix dho = new Matrix(dh);
        Matrix dx = new Matrix(dxg);
        Matrix dhh = new Matrix(dhg);
        Matrix dhp = new Matrix(dhPrev);
        int hidden = bh[1];
        for (int b = 0; b < bh[0]; b++) {
            for (int j = 0; j < hidden; j++) {
                double r = s.get(b, j);
                double z = s.get(b, hidden + j);
                double n = s.get(b, 2 * hidden + j);
                double hn = s.get(b, 3 * hidden + j);
                double d = dho.get(b, j);
                double dn = d * (1 - z) * (1 - n * n);
                double dz = d * (hp.get(b, j) - n) * z * (1 - z);
                double dr = dn * hn * r * (1 - r);
                dx.set(b, j, dr);
                dx.set(b, hidden + j, dz);
                dx.set(b, 2 * hidden + j, dn);
                dhh.set(b, j, dr);
                dhh.set(b, hidden + j, dz);
                dhh.set(b, 2 * hidden + j, dn * r);
                dhp.set(b, j, d * z);
            }
        }
    }

    private static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        double r = 1.0 / (1.0 + e);
        return x < 0 ? e * r : r;
    }

    /** A 2-D tensor read and written by (row, column) through its strides. */
    private record Matrix(Tensor t, long rowStride, long colStride) {
        Matrix(Tensor t) {
            this(t, t.strides()[0], t.strides()[1]);
        }

        double get(int r, int c) {
            return Elements.get(t.segment(), t.dtype(), t.offset() + r * rowStride + c * colStride);
        }

        void set(int r, int c, double v) {
            Elements.set(t.segment(), t.dtype(), t.offset() + r * rowStride + c * colStride, v);
        }
    }

    // ---- shape checks, shared with CpuRecurrentCells; each returns {batch, hidden} ----

    public static int[] checkLstm(String op, Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        int[] bh = gateRows(op, "gates", gates, 4);
        Elements.requireFloatDType(op, gates, cPrev, c, h);
        state(op, "cPrev", cPrev, bh);
        state(op, "c", c, bh);
        state(op, "h", h, bh);
        return bh;
    }

    public static int[] checkLstmBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) {
        String op = "lstmCellBackward";
        int[] bh = checkLstm(op, gates, cPrev, c, dh);
        Elements.requireFloatDType(op, gates, dc, dGates, dcPrev);
        if (dc != null) {
            state(op, "dc", dc, bh);
        }
        if (!java.util.Arrays.equals(dGates.shape(), gates.shape())) {
            throw new IllegalArgumentException(op + ": dGates " + dGates.describe() + " must have the shape of gates "
                    + Shape.str(gates.shape()));
        }
        state(op, "dcPrev", dcPrev, bh);
        return bh;
    }

    public static int[] checkGru(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        String op = "gruCell";
        int[] bh = gateRows(op, "xg", xg, 3);
        Elements.requireFloatDType(op, xg, hg, hPrev, h, saved);
        gates(op, "hg", hg, bh, 3);
        state(op, "hPrev", hPrev, bh);
        state(op, "h", h, bh);
        gates(op, "saved", saved, bh, 4);
        return bh;
    }

    public static int[] checkGruBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        String op = "gruCellBackward";
        int[] bh = gateRows(op, "saved", saved, 4);
        Elements.requireFloatDType(op, saved, hPrev, dh, dxg, dhg, dhPrev);
        state(op, "hPrev", hPrev, bh);
        state(op, "dh", dh, bh);
        gates(op, "dxg", dxg, bh, 3);
        gates(op, "dhg", dhg, bh, 3);
        state(op, "dhPrev", dhPrev, bh);
        return bh;
    }

    private static int[] gateRows(String op, String name, Tensor t, int gates) {
        if (t.rank() != 2 || t.dim(1) % gates != 0) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [batch, "
                    + gates + "·hidden]");
        }
        return new int[] {t.dim(0), t.dim(1) / gates};
    }

    private static void gates(String op, String name, Tensor t, int[] bh, int gates) {
        if (t.rank() != 2 || t.dim(0) != bh[0] || t.dim(1) != gates * bh[1]) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + bh[0] + ", "
                    + gates * bh[1] + "]");
        }
    }

    private static void state(String op, String name, Tensor t, int[] bh) {
        if (t.rank() != 2 || t.dim(0) != bh[0] || t.dim(1) != bh[1]) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + bh[0] + ", "
                    + bh[1] + "]");
        }
    }
}
