package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The scalar reference of the convolution ops, as the scalar backend inherits them: the direct
 * 7-loop convolution in double over any float dtype and any strides. Inputs are read once into
 * row-major double arrays (which resolves strided views), outputs written element by element.
 */
interface ScalarConvolution extends ConvolutionOps {
    @Override
    default void conv2dUnchecked(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        double[] xs = x.toDoubleArray();
        double[] ws = w.toDoubleArray();
        double[] ys = new double[Math.toIntExact(y.size())];
        if (biasOrNull != null) {
            double[] bs = biasOrNull.toDoubleArray();
            int plane = g.outH() * g.outW();
            for (int at = 0; at < ys.length; at++) {
                ys[at] = bs[at / plane % g.outChannels()];
            }
        }
        eachTerm(g, (xAt, wAt, yAt) -> ys[yAt] += xs[xAt] * ws[wAt]);
        write(ys, y);
    }

    @Override
    default void conv2dBackwardDataUnchecked(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        double[] dys = dy.toDoubleArray();
        double[] ws = w.toDoubleArray();
        double[] dxs = new double[Math.toIntExact(dx.size())];
        // The transpose of the forward sum: every product w·x of the forward pass sends w·dy back to x.
        eachTerm(g, (xAt, wAt, yAt) -> dxs[xAt] += dys[yAt] * ws[wAt]);
        write(dxs, dx);
    }

    @Override
    default void conv2dBackwardWeightUnchecked(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        double[] xs = x.toDoubleArray();
        double[] dys = dy.toDoubleArray();
        double[] dws = new double[Math.toIntExact(dw.size())];
        eachTerm(g, (xAt, wAt, yAt) -> dws[wAt] += dys[yAt] * xs[xAt]);
        write(dws, dw);
        if (dbiasOrNull != null) {
            double[] dbs = new double[g.outChannels()];
            int plane = g.outH() * g.outW();
            for (int at = 0; at < dys.length; at++) {
                dbs[at / plane % g.outChannels()] += dys[at];
            }
            write(dbs, dbiasOrNull);
        }
    }

    /** One term of the convolution sum: y[yAt] += x[xAt]·w[wAt] (row-major indices). */
    @FunctionalInterface
    interface Term {
        void visit(int xAt, int wAt, int yAt);
    }

    /**
     * Visits every term of the direct 7-loop convolution in the order n, o, oh, ow, c, i, j,
     * skipping taps that fall into the padding; the three passes differ only in what they add
     * where.
     */
    private static void eachTerm(Conv2dGeometry g, Term term) {
        int outH = g.outH();
        int outW = g.outW();
        int cg = g.inChannels() / g.groups();
        int og = g.outChannels() / g.groups();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                int c0 = o / og * cg;
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int yAt = index(g.outChannels(), outH, outW, n, o, oh, ow);
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < g.kernelH(); i++) {
                                int ih = oh * g.strideH() - g.padH() + i * g.dilationH();
                                for (int j = 0; j < g.kernelW(); j++) {
                                    int iw = ow * g.strideW() - g.padW() + j * g.dilationW();
                                    if (ih >= 0 && ih < g.inH() && iw >= 0 && iw < g.inW()) {
                                        term.visit(index(g.inChannels(), g.inH(), g.inW(), n, c0 + c, ih, iw),
                                                index(cg, g.kernelH(), g.kernelW(), o, c, i, j), yAt);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void write(double[] values, Tensor t) {
        for (int i = 0; i < values.length; i++) {
            t.setFlat(i, values[i]);
        }
    }

    /** Row-major index of [a, b, c, d] in a tensor [·, nb, nc, nd]. */
    private static int index(int nb, int nc, int nd, int a, int b, int c, int d) {
        return ((a * nb + b) * nc + c) * nd + d;
    }
}
