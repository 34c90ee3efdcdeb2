package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The argument checks of the recurrent cell family, run by {@link RecurrentCellOps}'s entry points
 * for every backend: gate tensors [batch, G·hidden], states [batch, hidden], one float dtype.
 */
final class RecurrentCellChecks {
    private RecurrentCellChecks() {}

    static void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        lstm("lstmCell", gates, cPrev, c, h, "h");
    }

    static void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                 Tensor dcPrev) {
        String op = "lstmCellBackward";
        lstm(op, gates, cPrev, c, dh, "dh");
        Elements.requireFloatDType(op, gates, dc, dGates, dcPrev);
        int batch = gates.dim(0);
        int hidden = gates.dim(1) / 4;
        if (dc != null) {
            state(op, "dc", dc, batch, hidden);
        }
        if (!Elements.sameShape(dGates, gates)) {
            throw new IllegalArgumentException(op + ": dGates " + dGates.describe() + " must have the shape of gates "
                    + dev.gatun.tensor.Shape.str(gates.shape()));
        }
        state(op, "dcPrev", dcPrev, batch, hidden);
    }

    static void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        String op = "gruCell";
        gateRows(op, "xg", xg, 3);
        Elements.requireFloatDType(op, xg, hg, hPrev, h, saved);
        int batch = xg.dim(0);
        int hidden = xg.dim(1) / 3;
        gates(op, "hg", hg, batch, hidden, 3);
        state(op, "hPrev", hPrev, batch, hidden);
        state(op, "h", h, batch, hidden);
        gates(op, "saved", saved, batch, hidden, 4);
    }

    static void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        String op = "gruCellBackward";
        gateRows(op, "saved", saved, 4);
        Elements.requireFloatDType(op, saved, hPrev, dh, dxg, dhg, dhPrev);
        int batch = saved.dim(0);
        int hidden = saved.dim(1) / 4;
        state(op, "hPrev", hPrev, batch, hidden);
        state(op, "dh", dh, batch, hidden);
        gates(op, "dxg", dxg, batch, hidden, 3);
        gates(op, "dhg", dhg, batch, hidden, 3);
        state(op, "dhPrev", dhPrev, batch, hidden);
    }

    /** The checks of an LSTM step whose [batch, hidden] tensors are cPrev, c and h (or dh: hName). */
    private static void lstm(String op, Tensor gates, Tensor cPrev, Tensor c, Tensor h, String hName) {
        gateRows(op, "gates", gates, 4);
        Elements.requireFloatDType(op, gates, cPrev, c, h);
        int batch = gates.dim(0);
        int hidden = gates.dim(1) / 4;
        state(op, "cPrev", cPrev, batch, hidden);
        state(op, "c", c, batch, hidden);
        state(op, hName, h, batch, hidden);
    }

    private static void gateRows(String op, String name, Tensor t, int gates) {
        if (t.rank() != 2 || t.dim(1) % gates != 0) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [batch, "
                    + gates + "·hidden]");
        }
    }

    private static void gates(String op, String name, Tensor t, int batch, int hidden, int gates) {
        if (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != gates * hidden) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + batch + ", "
                    + gates * hidden + "]");
        }
    }

    private static void state(String op, String name, Tensor t, int batch, int hidden) {
        if (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != hidden) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + batch + ", "
                    + hidden + "]");
        }
    }
}
