package dev.gatun.backend;

import dev.gatun.tensor.Tensor;


/**
 * The scalar reference of the BatchNorm ops: plain loops in double over any strides. x is
 * [N, C] or [N, C, ...]; statistics are per channel over M = N·(spatial size) elements, the
 * variance in two passes.
 */
public final class ScalarBatchNorm {
    private ScalarBatchNorm() {}

    static void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                               Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        checkTrain(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
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

    static void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   double eps, Tensor y) {
        checkInference(x, gamma, beta, runningMean, runningVar, eps, y);
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

    static void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                                  Tensor dgamma, Tensor dbeta) {
        checkBackward(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
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

    // ---- argument checks, shared with CpuBatchNorm ----------------------------------------------

    public static void checkTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                           Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormTrain";
        checkInput(op, x, eps);
        int c = x.dim(1);
        if (x.size() / c <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input "
                    + x.describe());
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
        }
        requireChannels(op, "gamma", gamma, c);
        requireChannels(op, "beta", beta, c);
        requireChannels(op, "saveMean", saveMean, c);
        requireChannels(op, "saveInvStd", saveInvStd, c);
        if (runningMean != null) {
            requireChannels(op, "runningMean", runningMean, c);
        }
        if (runningVar != null) {
            requireChannels(op, "runningVar", runningVar, c);
        }
        Elements.requireSameShape(op, x, y);
        Elements.requireFloatDType(op, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        Elements.requireContiguous(op, y);
    }

    public static void checkInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double eps,
                               Tensor y) {
        String op = "batchNormInference";
        checkInput(op, x, eps);
        int c = x.dim(1);
        requireChannels(op, "gamma", gamma, c);
        requireChannels(op, "beta", beta, c);
        requireChannels(op, "runningMean", runningMean, c);
        requireChannels(op, "runningVar", runningVar, c);
        Elements.requireSameShape(op, x, y);
        Elements.requireFloatDType(op, x, gamma, beta, runningMean, runningVar, y);
        Elements.requireContiguous(op, y);
    }

    public static void checkBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                              Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        checkInput(op, x, 0);
        int c = x.dim(1);
        requireChannels(op, "gamma", gamma, c);
        requireChannels(op, "saveMean", saveMean, c);
        requireChannels(op, "saveInvStd", saveInvStd, c);
        requireChannels(op, "dgamma", dgamma, c);
        requireChannels(op, "dbeta", dbeta, c);
        Elements.requireSameShape(op, x, dy);
        Elements.requireSameShape(op, x, dx);
        Elements.requireFloatDType(op, x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
        Elements.requireContiguous(op, dx);
    }

    private static void checkInput(String op, Tensor x, double eps) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C] or [N, C, ...], got " + x.describe());
        }
        if (x.size() == 0) {
            throw new IllegalArgumentException(op + ": input " + x.describe() + " is empty");
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(op + ": eps must be >= 0, got " + eps);
        }
    }

    private static void requireChannels(String op, String name, Tensor t, int c) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (t.rank() != 1 || t.dim(0) != c) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + c
                    + "], one value per channel of the input");
        }
    }

}
