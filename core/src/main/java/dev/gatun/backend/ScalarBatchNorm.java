package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The scalar reference of the batch-norm ops, as the scalar backend inherits them: plain loops in
 * double over any strides. x is [N, C] or [N, C, ...]; statistics are per channel over
 * M = N·(spatial size) elements, the variance in two passes.
 */
interface ScalarBatchNorm extends NormalizationOps {
    @Override
    default void batchNormTrainUnchecked(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum,
                                         Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                         Tensor saveInvStd) {
        int c = x.dim(1);
        long spatial = spatial(x);
        long m = x.dim(0) * spatial;
        Elements.Reader xr = Elements.reader(x, x.shape());
        double[] mean = new double[c];
        double[] sq = new double[c];
        for (long f = 0; f < x.size(); f++) {
            mean[(int) (f / spatial % c)] += xr.at(f);
        }
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= m;
        }
        for (long f = 0; f < x.size(); f++) {
            double d = xr.at(f) - mean[(int) (f / spatial % c)];
            sq[(int) (f / spatial % c)] += d * d;
        }
        double[] invStd = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double var = sq[ch] / m;
            invStd[ch] = 1 / Math.sqrt(var + eps);
            saveMean.setFlat(ch, mean[ch]);
            saveInvStd.setFlat(ch, invStd[ch]);
            updateRunning(runningMean, runningVar, ch, momentum, mean[ch], var, m);
        }
        for (long f = 0; f < x.size(); f++) {
            int ch = (int) (f / spatial % c);
            double v = (xr.at(f) - mean[ch]) * invStd[ch] * gamma.getFlat(ch) + beta.getFlat(ch);
            Elements.set(y.segment(), y.dtype(), y.offset() + f, v);
        }
    }

    @Override
    default void batchNormInferenceUnchecked(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                             Tensor runningVar, double eps, Tensor y) {
        int c = x.dim(1);
        long spatial = spatial(x);
        Elements.Reader xr = Elements.reader(x, x.shape());
        for (long f = 0; f < x.size(); f++) {
            int ch = (int) (f / spatial % c);
            double v = (xr.at(f) - runningMean.getFlat(ch)) / Math.sqrt(runningVar.getFlat(ch) + eps) * gamma.getFlat(ch)
                    + beta.getFlat(ch);
            Elements.set(y.segment(), y.dtype(), y.offset() + f, v);
        }
    }

    @Override
    default void batchNormBackwardUnchecked(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy,
                                            Tensor dx, Tensor dgamma, Tensor dbeta) {
        int c = x.dim(1);
        long spatial = spatial(x);
        long m = x.dim(0) * spatial;
        Elements.Reader xr = Elements.reader(x, x.shape());
        Elements.Reader gr = Elements.reader(dy, dy.shape());
        double[] sumDy = new double[c];
        double[] sumDyXhat = new double[c];
        for (long f = 0; f < x.size(); f++) {
            int ch = (int) (f / spatial % c);
            double g = gr.at(f);
            sumDy[ch] += g;
            sumDyXhat[ch] += g * (xr.at(f) - saveMean.getFlat(ch)) * saveInvStd.getFlat(ch);
        }
        for (long f = 0; f < x.size(); f++) {
            int ch = (int) (f / spatial % c);
            double is = saveInvStd.getFlat(ch);
            double xhat = (xr.at(f) - saveMean.getFlat(ch)) * is;
            double v = gamma.getFlat(ch) * is * (gr.at(f) - sumDy[ch] / m - xhat * sumDyXhat[ch] / m);
            Elements.set(dx.segment(), dx.dtype(), dx.offset() + f, v);
        }
        for (int ch = 0; ch < c; ch++) {
            dgamma.setFlat(ch, sumDyXhat[ch]);
            dbeta.setFlat(ch, sumDy[ch]);
        }
    }

    /** r = (1 − momentum)·r + momentum·batch value, with the unbiased variance (PyTorch's rule). */
    static void updateRunning(Tensor runningMean, Tensor runningVar, int ch, double momentum, double mean,
                              double biasedVar, long m) {
        if (runningMean != null) {
            runningMean.setFlat(ch, (1 - momentum) * runningMean.getFlat(ch) + momentum * mean);
        }
        if (runningVar != null) {
            double unbiased = biasedVar * m / (m - 1);
            runningVar.setFlat(ch, (1 - momentum) * runningVar.getFlat(ch) + momentum * unbiased);
        }
    }

    /** Elements per (sample, channel): the product of x's axes after the channel axis. */
    static long spatial(Tensor x) {
        return x.size() / ((long) x.dim(0) * x.dim(1));
    }
}
