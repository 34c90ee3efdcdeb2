package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The argument checks of the normalization family, run by {@link NormalizationOps}'s entry points
 * for every backend: x is [N, C] or [N, C, ...], the per-channel tensors [C], one float dtype,
 * outputs contiguous.
 */
final class NormalizationChecks {
    private NormalizationChecks() {}

    static void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                               Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormTrain";
        input(op, x, eps);
        int c = x.dim(1);
        if (x.size() / c <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input "
                    + x.describe());
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
        }
        channels(op, "gamma", gamma, c);
        channels(op, "beta", beta, c);
        channels(op, "saveMean", saveMean, c);
        channels(op, "saveInvStd", saveInvStd, c);
        if (runningMean != null) {
            channels(op, "runningMean", runningMean, c);
        }
        if (runningVar != null) {
            channels(op, "runningVar", runningVar, c);
        }
        Elements.requireSameShape(op, x, y);
        Elements.requireFloatDType(op, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        Elements.requireContiguous(op, y);
    }

    static void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   double eps, Tensor y) {
        String op = "batchNormInference";
        input(op, x, eps);
        int c = x.dim(1);
        channels(op, "gamma", gamma, c);
        channels(op, "beta", beta, c);
        channels(op, "runningMean", runningMean, c);
        channels(op, "runningVar", runningVar, c);
        Elements.requireSameShape(op, x, y);
        Elements.requireFloatDType(op, x, gamma, beta, runningMean, runningVar, y);
        Elements.requireContiguous(op, y);
    }

    static void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                                  Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        input(op, x, 0);
        int c = x.dim(1);
        channels(op, "gamma", gamma, c);
        channels(op, "saveMean", saveMean, c);
        channels(op, "saveInvStd", saveInvStd, c);
        channels(op, "dgamma", dgamma, c);
        channels(op, "dbeta", dbeta, c);
        Elements.requireSameShape(op, x, dy);
        Elements.requireSameShape(op, x, dx);
        Elements.requireFloatDType(op, x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
        Elements.requireContiguous(op, dx);
    }

    private static void input(String op, Tensor x, double eps) {
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

    private static void channels(String op, String name, Tensor t, int c) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (t.rank() != 1 || t.dim(0) != c) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + c
                    + "], one value per channel of the input");
        }
    }
}
