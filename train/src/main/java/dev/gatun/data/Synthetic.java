package dev.gatun.data;

import java.util.SplittableRandom;

/**
 * Seeded toy data sets in the manner of scikit-learn's {@code make_*} functions. The 2-D
 * classification sets have features [2] and int32 labels, classes taking turns (example i has
 * class i mod C) so the classes are balanced to within one example. "noise" is the standard
 * deviation of Gaussian noise N(0, noise²) added to each coordinate (or to the target).
 * Every number comes from {@link SplittableRandom}(seed) and Box–Muller spelled out here, so a
 * seed gives the same data on every JDK.
 */
public final class Synthetic {
    private Synthetic() {}

    /**
     * A regression data set (features [F], float32 target [1]) and the exact model behind it:
     * y = weights · x + bias + noise.
     *
     * @param data the data set
     * @param weights the weights w
     * @param bias the bias b
     */
    public record Regression(ArrayDataset data, float[] weights, float bias) {
        /** Copies the weights. */
        public Regression {
            weights = weights.clone();
        }

        /** {@return the weights w (a copy)} */
        @Override
        public float[] weights() {
            return weights.clone();
        }
    }

    /**
     * XOR: class 0 in the quadrants where x₀ and x₁ have the same sign, class 1 where they differ.
     * |x₀|, |x₁| ~ U(0, 1], signs drawn to match the class, then noise added.
     *
     * @param n the number of examples
     * @param noise the standard deviation of the Gaussian noise added to each coordinate
     * @param seed the seed of every draw
     * @return the data set
     */
    public static ArrayDataset xor(int n, double noise, long seed) {
        check(n, 2, noise, "xor", "noise");
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            double s0 = rng.nextBoolean() ? 1 : -1;
            double s1 = c == 0 ? s0 : -s0;
            x[2 * i] = (float) (s0 * (1 - rng.nextDouble()) + noise * gaussian(rng));
            x[2 * i + 1] = (float) (s1 * (1 - rng.nextDouble()) + noise * gaussian(rng));
            y[i] = c;
        }
        return ArrayDataset.classification(x, new int[] {2}, y, 2);
    }

    /**
     * Two interleaved spirals of 1.5 turns: t ~ U[0, 1), angle θ = 3πt, radius r = t, point
     * r·(cos(θ + πc), sin(θ + πc)) for class c, plus noise.
     *
     * @param n the number of examples
     * @param noise the standard deviation of the Gaussian noise added to each coordinate
     * @param seed the seed of every draw
     * @return the data set
     */
    public static ArrayDataset twoSpirals(int n, double noise, long seed) {
        check(n, 2, noise, "two spirals", "noise");
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            double t = rng.nextDouble();
            double a = 3 * Math.PI * t + Math.PI * c;
            x[2 * i] = (float) (t * Math.cos(a) + noise * gaussian(rng));
            x[2 * i + 1] = (float) (t * Math.sin(a) + noise * gaussian(rng));
            y[i] = c;
        }
        return ArrayDataset.classification(x, new int[] {2}, y, 2);
    }

    /**
     * Two interleaving half circles (scikit-learn's make_moons), θ ~ U[0, π]: class 0 at
     * (cos θ, sin θ), class 1 at (1 - cos θ, 0.5 - sin θ), plus noise.
     *
     * @param n the number of examples
     * @param noise the standard deviation of the Gaussian noise added to each coordinate
     * @param seed the seed of every draw
     * @return the data set
     */
    public static ArrayDataset moons(int n, double noise, long seed) {
        check(n, 2, noise, "moons", "noise");
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            double t = rng.nextDouble(Math.nextUp(Math.PI));
            double px = c == 0 ? Math.cos(t) : 1 - Math.cos(t);
            double py = c == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
            x[2 * i] = (float) (px + noise * gaussian(rng));
            x[2 * i + 1] = (float) (py + noise * gaussian(rng));
            y[i] = c;
        }
        return ArrayDataset.classification(x, new int[] {2}, y, 2);
    }

    /**
     * Two concentric circles (scikit-learn's make_circles), θ ~ U[0, 2π): class 0 on the unit
     * circle, class 1 on the circle of radius {@code factor} inside it, plus noise.
     *
     * @param n the number of examples
     * @param noise the standard deviation of the Gaussian noise added to each coordinate
     * @param factor inner radius over outer, in (0, 1)
     * @param seed the seed of every draw
     * @return the data set
     */
    public static ArrayDataset circles(int n, double noise, double factor, long seed) {
        check(n, 2, noise, "circles", "noise");
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("circles: factor (inner radius / outer) must be in (0, 1), got "
                    + factor);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            double r = c == 0 ? 1 : factor;
            double t = rng.nextDouble(2 * Math.PI);
            x[2 * i] = (float) (r * Math.cos(t) + noise * gaussian(rng));
            x[2 * i + 1] = (float) (r * Math.sin(t) + noise * gaussian(rng));
            y[i] = c;
        }
        return ArrayDataset.classification(x, new int[] {2}, y, 2);
    }

    /**
     * Isotropic Gaussian blobs (scikit-learn's make_blobs) in 2-D: {@code centers} centres drawn
     * from U[-10, 10)², example i of class i mod centers at its centre + N(0, std²) per coordinate.
     *
     * @param n the number of examples
     * @param centers the number of blobs, one class each
     * @param std the standard deviation around each centre
     * @param seed the seed of every draw
     * @return the data set
     */
    public static ArrayDataset blobs(int n, int centers, double std, long seed) {
        if (centers < 1) {
            throw new IllegalArgumentException("blobs: centers must be >= 1, got " + centers);
        }
        check(n, centers, std, "blobs", "std");
        SplittableRandom rng = new SplittableRandom(seed);
        double[] cx = new double[centers];
        double[] cy = new double[centers];
        for (int c = 0; c < centers; c++) {
            cx[c] = rng.nextDouble(-10, 10);
            cy[c] = rng.nextDouble(-10, 10);
        }
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % centers;
            x[2 * i] = (float) (cx[c] + std * gaussian(rng));
            x[2 * i + 1] = (float) (cy[c] + std * gaussian(rng));
            y[i] = c;
        }
        return ArrayDataset.classification(x, new int[] {2}, y, centers);
    }

    /**
     * Linear regression: x ~ N(0, I) in {@code features} dimensions, weights ~ N(0, 1), bias ~ N(0, 1),
     * y = w·x + b + noise·N(0, 1).
     *
     * @param n the number of examples
     * @param features the input dimensions
     * @param noise the standard deviation of the Gaussian noise added to y
     * @param seed the seed of every draw
     * @return the data set and the exact model
     */
    public static Regression linearRegression(int n, int features, double noise, long seed) {
        if (features < 1) {
            throw new IllegalArgumentException("linear regression: features must be >= 1, got " + features);
        }
        check(n, 1, noise, "linear regression", "noise");
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[features];
        for (int j = 0; j < features; j++) {
            w[j] = (float) gaussian(rng);
        }
        float b = (float) gaussian(rng);
        float[] x = new float[Math.multiplyExact(n, features)];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double v = b;
            for (int j = 0; j < features; j++) {
                float xi = (float) gaussian(rng);
                x[i * features + j] = xi;
                v += (double) w[j] * xi;
            }
            y[i] = (float) (v + noise * gaussian(rng));
        }
        return new Regression(ArrayDataset.regression(x, new int[] {features}, y, new int[] {1}), w, b);
    }

    /**
     * Polynomial regression in one variable: x ~ U[-1, 1), coefficients c₀..c_degree ~ N(0, 1),
     * y = Σ c_k x^k + noise·N(0, 1). Features are [1] (x alone; expanding powers is the model's
     * job); {@link Regression#bias()} is c₀ and {@link Regression#weights()} are c₁..c_degree.
     *
     * @param n the number of examples
     * @param degree the polynomial's degree
     * @param noise the standard deviation of the Gaussian noise added to y
     * @param seed the seed of every draw
     * @return the data set and the exact model
     */
    public static Regression polynomialRegression(int n, int degree, double noise, long seed) {
        if (degree < 0) {
            throw new IllegalArgumentException("polynomial regression: degree must be >= 0, got " + degree);
        }
        check(n, 1, noise, "polynomial regression", "noise");
        SplittableRandom rng = new SplittableRandom(seed);
        float[] c = new float[degree + 1];
        for (int k = 0; k <= degree; k++) {
            c[k] = (float) gaussian(rng);
        }
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            float xi = (float) rng.nextDouble(-1, 1);
            double v = 0;
            for (int k = degree; k >= 0; k--) {
                v = v * xi + c[k];
            }
            x[i] = xi;
            y[i] = (float) (v + noise * gaussian(rng));
        }
        return new Regression(ArrayDataset.regression(x, new int[] {1}, y, new int[] {1}),
                java.util.Arrays.copyOfRange(c, 1, c.length), c[0]);
    }

    private static void check(int n, int minExamples, double noise, String who, String noiseName) {
        if (n < minExamples) {
            throw new IllegalArgumentException(who + ": n must be >= " + minExamples + ", got " + n);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException(who + ": " + noiseName + " must be a finite value >= 0, got " + noise);
        }
    }

    // Box–Muller spelled out, so the data are defined by this file alone and equal on every JDK.
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
