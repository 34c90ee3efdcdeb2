package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The scalar reference of the recurrent cell ops, as the scalar backend inherits them: plain
 * loops in double over any strides.
 */
interface ScalarRecurrentCells extends RecurrentCellOps {
    @Override
    default void lstmCellUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        Matrix g = new Matrix(gates);
        Matrix cp = new Matrix(cPrev);
        Matrix co = new Matrix(c);
        Matrix ho = new Matrix(h);
        int batch = h.dim(0);
        int hidden = h.dim(1);
        for (int b = 0; b < batch; b++) {
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

    @Override
    default void lstmCellBackwardUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                           Tensor dcPrev) {
        Matrix g = new Matrix(gates);
        Matrix cp = new Matrix(cPrev);
        Matrix co = new Matrix(c);
        Matrix dho = new Matrix(dh);
        Matrix dco = dc == null ? null : new Matrix(dc);
        Matrix dg = new Matrix(dGates);
        Matrix dcp = new Matrix(dcPrev);
        int batch = dcPrev.dim(0);
        int hidden = dcPrev.dim(1);
        for (int b = 0; b < batch; b++) {
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

    @Override
    default void gruCellUnchecked(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        Matrix x = new Matrix(xg);
        Matrix hh = new Matrix(hg);
        Matrix hp = new Matrix(hPrev);
        Matrix ho = new Matrix(h);
        Matrix s = new Matrix(saved);
        int batch = h.dim(0);
        int hidden = h.dim(1);
        for (int b = 0; b < batch; b++) {
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

    @Override
    default void gruCellBackwardUnchecked(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        Matrix s = new Matrix(saved);
        Matrix hp = new Matrix(hPrev);
        Matrix dho = new Matrix(dh);
        Matrix dx = new Matrix(dxg);
        Matrix dhh = new Matrix(dhg);
        Matrix dhp = new Matrix(dhPrev);
        int batch = dhPrev.dim(0);
        int hidden = dhPrev.dim(1);
        for (int b = 0; b < batch; b++) {
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
    record Matrix(Tensor t, long rowStride, long colStride) {
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
}
