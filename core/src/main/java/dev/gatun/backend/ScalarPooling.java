package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The scalar reference of the pooling ops, as the scalar backend inherits them: plain loops in
 * double over any strides, with the scan rule of {@code kernels/pool/MaxPool} (first maximum
 * wins, padding is skipped, NaN wins).
 */
interface ScalarPooling extends PoolingOps {
    @Override
    default void maxPool2dUnchecked(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        Elements.Reader xr = Elements.reader(x, x.shape());
        int outH = g.outH();
        int outW = g.outW();
        long plane = (long) g.inH() * g.inW();
        long o = 0;
        for (long p = 0; p < (long) g.batch() * g.channels(); p++) {
            for (int oh = 0; oh < outH; oh++) {
                int h0 = Math.max(oh * g.strideH() - g.padH(), 0);
                int h1 = Math.min(oh * g.strideH() - g.padH() + g.kernelH(), g.inH());
                for (int ow = 0; ow < outW; ow++, o++) {
                    int w0 = Math.max(ow * g.strideW() - g.padW(), 0);
                    int w1 = Math.min(ow * g.strideW() - g.padW() + g.kernelW(), g.inW());
                    double best = Double.NEGATIVE_INFINITY;
                    int bestAt = h0 * g.inW() + w0;
                    for (int h = h0; h < h1; h++) {
                        for (int w = w0; w < w1; w++) {
                            int at = h * g.inW() + w;
                            double v = xr.at(p * plane + at);
                            if (!(v <= best) && !Double.isNaN(best)) {
                                best = v;
                                bestAt = at;
                            }
                        }
                    }
                    Elements.set(y.segment(), y.dtype(), y.offset() + o, best);
                    argmax.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, argmax.offset() + o,
                            bestAt);
                }
            }
        }
    }

    @Override
    default void maxPool2dBackwardUnchecked(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        Elements.Reader gr = Elements.reader(dy, dy.shape());
        Elements.Reader ar = Elements.reader(argmax, argmax.shape());
        long plane = (long) g.inH() * g.inW();
        long outPlane = (long) g.outH() * g.outW();
        long planes = (long) g.batch() * g.channels();
        double[] acc = new double[Math.toIntExact(planes * plane)];
        for (long p = 0; p < planes; p++) {
            for (long o = 0; o < outPlane; o++) {
                int at = (int) ar.at(p * outPlane + o);
                if (at < 0 || at >= plane) {
                    throw new IllegalArgumentException("maxPool2dBackward: argmax " + at + " is outside the "
                            + g.inH() + "x" + g.inW() + " input plane");
                }
                acc[(int) (p * plane + at)] += gr.at(p * outPlane + o);
            }
        }
        write(acc, dx);
    }

    @Override
    default void avgPool2dUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        Elements.Reader xr = Elements.reader(x, x.shape());
        long plane = (long) g.inH() * g.inW();
        long o = 0;
        for (long p = 0; p < (long) g.batch() * g.channels(); p++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                int h0 = Math.max(oh * g.strideH() - g.padH(), 0);
                int h1 = Math.min(oh * g.strideH() - g.padH() + g.kernelH(), g.inH());
                for (int ow = 0; ow < g.outW(); ow++, o++) {
                    int w0 = Math.max(ow * g.strideW() - g.padW(), 0);
                    int w1 = Math.min(ow * g.strideW() - g.padW() + g.kernelW(), g.inW());
                    double sum = 0;
                    for (int h = h0; h < h1; h++) {
                        for (int w = w0; w < w1; w++) {
                            sum += xr.at(p * plane + (long) h * g.inW() + w);
                        }
                    }
                    Elements.set(y.segment(), y.dtype(), y.offset() + o, sum / divisor(g, countIncludePad, h0, h1, w0, w1));
                }
            }
        }
    }

    @Override
    default void avgPool2dBackwardUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        Elements.Reader gr = Elements.reader(dy, dy.shape());
        long plane = (long) g.inH() * g.inW();
        long planes = (long) g.batch() * g.channels();
        double[] acc = new double[Math.toIntExact(planes * plane)];
        long o = 0;
        for (long p = 0; p < planes; p++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                int h0 = Math.max(oh * g.strideH() - g.padH(), 0);
                int h1 = Math.min(oh * g.strideH() - g.padH() + g.kernelH(), g.inH());
                for (int ow = 0; ow < g.outW(); ow++, o++) {
                    int w0 = Math.max(ow * g.strideW() - g.padW(), 0);
                    int w1 = Math.min(ow * g.strideW() - g.padW() + g.kernelW(), g.inW());
                    double share = gr.at(o) / divisor(g, countIncludePad, h0, h1, w0, w1);
                    for (int h = h0; h < h1; h++) {
                        for (int w = w0; w < w1; w++) {
                            acc[(int) (p * plane + (long) h * g.inW() + w)] += share;
                        }
                    }
                }
            }
        }
        write(acc, dx);
    }

    /** PyTorch's divisor: the whole kernel when padding counts (windows never pass the far padding), else the inputs seen. */
    private static int divisor(Pool2dGeometry g, boolean countIncludePad, int h0, int h1, int w0, int w1) {
        return countIncludePad ? g.kernelH() * g.kernelW() : (h1 - h0) * (w1 - w0);
    }

    private static void write(double[] values, Tensor out) {
        for (int i = 0; i < values.length; i++) {
            Elements.set(out.segment(), out.dtype(), out.offset() + i, values[i]);
        }
    }
}
