package dev.gatun.sweep;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A mixture of Gaussians truncated to {@code [low, high]}, one per observation plus a wide prior
 * centred on the range, as Optuna's univariate TPE builds them: each observation's bandwidth is
 * the larger gap to its sorted neighbours, clipped to between {@code (high - low) / min(100, n + 1)}
 * and {@code high - low}; the prior's is {@code high - low}.
 */
final class ParzenEstimator {
    private static final int MAX_REJECTIONS = 64;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double low;
    private final double high;
    private final double[] mus;
    private final double[] sigmas;
    private final double[] logWeights;
    private final double[] cumulative;
    private final double[] logMass;

    /**
     * @param observations the observations on the internal axis
     * @param weights each observation's weight
     * @param low the low end of the axis
     * @param high the high end of the axis
     * @param priorWeight the prior's weight beside the observations'
     */
    ParzenEstimator(double[] observations, double[] weights, double low, double high, double priorWeight) {
        int n = observations.length + 1;
        this.low = low;
        this.high = high;
        mus = Arrays.copyOf(observations, n);
        mus[n - 1] = 0.5 * (low + high);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(mus[a], mus[b]));
        double[] sorted = new double[n + 2];
        sorted[0] = low;
        sorted[n + 1] = high;
        for (int i = 0; i < n; i++) {
            sorted[i + 1] = mus[order[i]];
        }
        double range = high - low;
        double minSigma = range / Math.min(100.0, 1.0 + n);
        sigmas = new double[n];
        for (int i = 0; i < n; i++) {
            double s = Math.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
            if (n >= 2 && i == 0) {
                s = sorted[2] - sorted[1];
            } else if (n >= 2 && i == n - 1) {
                s = sorted[n] - sorted[n - 1];
            }
            sigmas[order[i]] = Math.clamp(s, minSigma, range);
        }
        sigmas[n - 1] = range;
        double total = priorWeight;
        for (int i = 0; i < n - 1; i++) {
            total += weights[i];
        }
        logWeights = new double[n];
        cumulative = new double[n];
        logMass = new double[n];
        double running = 0;
        for (int i = 0; i < n; i++) {
            double w = (i == n - 1 ? priorWeight : weights[i]) / total;
            logWeights[i] = Math.log(w);
            running += w;
            cumulative[i] = running;
            double mass = NormalCdf.of((high - mus[i]) / sigmas[i]) - NormalCdf.of((low - mus[i]) / sigmas[i]);
            logMass[i] = Math.log(Math.max(mass, 1e-300));
        }
    }

    /** A draw from the mixture: a component by weight, then its Gaussian until it falls in range. */
    double sample(SplittableRandom rng) {
        double u = rng.nextDouble();
        int c = 0;
        while (c < cumulative.length - 1 && u >= cumulative[c]) {
            c++;
        }
        for (int i = 0; i < MAX_REJECTIONS; i++) {
            double x = mus[c] + sigmas[c] * gaussian(rng);
            if (x >= low && x <= high) {
                return x;
            }
        }
        return Math.clamp(mus[c], low, high);
    }

    /** The log density of the truncated mixture at {@code x}. */
    double logDensity(double x) {
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[mus.length];
        for (int i = 0; i < mus.length; i++) {
            double z = (x - mus[i]) / sigmas[i];
            terms[i] = logWeights[i] - 0.5 * z * z - LOG_SQRT_2PI - Math.log(sigmas[i]) - logMass[i];
            max = Math.max(max, terms[i]);
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum);
    }

    // Box-Muller on the sampler's own source: SplittableRandom has no nextGaussian of its own
    // that is stable across JDKs.
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
