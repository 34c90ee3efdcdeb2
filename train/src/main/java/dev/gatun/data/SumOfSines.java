package dev.gatun.data;

import java.util.SplittableRandom;

/**
 * A synthetic signal for forecasting: a few sines of unrelated periods plus Gaussian noise,
 * s[t] = Σ aᵢ·sin(2π·t/pᵢ + φᵢ) + noise·N(0, 1). The periods are not multiples of each other,
 * so the pattern does not repeat within a practical window and a model must track phase rather
 * than memorize; the noise sets a floor no forecaster can beat (its variance).
 *
 * @param periods    the sines' periods in steps (each > 1)
 * @param amplitudes their amplitudes
 * @param noise      standard deviation of the additive noise (>= 0)
 */
public record SumOfSines(double[] periods, double[] amplitudes, double noise) {
    /** Validates the parameters. */
    public SumOfSines {
        if (periods.length == 0 || periods.length != amplitudes.length) {
            throw new IllegalArgumentException("sum of sines: need as many amplitudes as periods (at least one), got "
                    + periods.length + " periods and " + amplitudes.length + " amplitudes");
        }
        for (double p : periods) {
            if (!(p > 1)) {
                throw new IllegalArgumentException("sum of sines: every period must be > 1 step, got " + p);
            }
        }
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("sum of sines: noise must be >= 0, got " + noise);
        }
        periods = periods.clone();
        amplitudes = amplitudes.clone();
    }

    /**
     * {@return the sample's default signal: periods 23, 61 and 137 steps, amplitudes 1, 0.6, 0.4, noise
     * 0.1}
     */
    public static SumOfSines standard() {
        return new SumOfSines(new double[] {23, 61, 137}, new double[] {1, 0.6, 0.4}, 0.1);
    }

    /**
     * {@code length} steps of the signal; phases and noise are drawn from {@code seed}.
     *
     * @param length the number of steps
     * @param seed the seed of the phases and the noise
     * @return the signal
     */
    public float[] generate(int length, long seed) {
        if (length <= 0) {
            throw new IllegalArgumentException("sum of sines: length must be > 0, got " + length);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] phase = new double[periods.length];
        for (int i = 0; i < phase.length; i++) {
            phase[i] = rng.nextDouble(2 * Math.PI);
        }
        float[] s = new float[length];
        for (int t = 0; t < length; t++) {
            double v = 0;
            for (int i = 0; i < periods.length; i++) {
                v += amplitudes[i] * Math.sin(2 * Math.PI * t / periods[i] + phase[i]);
            }
            s[t] = (float) (v + noise * gaussian(rng));
        }
        return s;
    }

    /** {@return the periods (a copy)} */
    @Override
    public double[] periods() {
        return periods.clone();
    }

    /** {@return the amplitudes (a copy)} */
    @Override
    public double[] amplitudes() {
        return amplitudes.clone();
    }

    // Box–Muller spelled out, so the data are defined by this file alone and equal on every JDK.
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
