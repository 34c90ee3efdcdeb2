package dev.gatun.kernels.norm;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Batch normalization over x[n, c, s] (s = the product of the spatial sizes, 1 for [n, c]);
 * statistics are per channel c, over M = n·s elements.
 *   statistics: x -> mean[c], var[c]                  mean = Σx / M, var = Σ(x − mean)² / M (biased)
 *   normalize:  x, scale[c], shift[c] -> y            y = x·scale + shift   (the caller folds
 *               scale = γ·invStd, shift = β − mean·scale, for training and inference alike)
 *   backward:   x, dy, mean[c], invStd[c], γ[c] -> dx, dγ[c], dβ[c]
 *               dβ = Σdy, dγ = Σdy·x̂ with x̂ = (x − mean)·invStd,
 *               dx = γ·invStd·(dy − dβ/M − x̂·dγ/M)
 *
 * The scalar twins compute in double (two passes for the variance) and round once. The vector
 * versions walk each (sample, channel) run of s contiguous floats with float vector
 * accumulators, reduce each run across lanes and add the run totals in double, so the float
 * error grows with s only, not with M. The variance pass centres on the float mean mf and
 * corrects in double: Σ(x − m)² = Σ(x − mf)² − M·(m − mf)². Threads split the channels (for the
 * sums) or the runs (for normalize). Runs shorter than a vector (s = 1 for [n, c] inputs) go
 * element by element in both versions.
 */
/**
 * Batch normalization over x[n, c, s]: per-channel statistics, the affine normalization and the
 * training gradients.
 */
public final class BatchNorm {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 15;

    private BatchNorm() {}

    /**
     * Per-channel mean and biased variance of x[n, c, s].
     *
     * @param x the input [n, c, s]
     * @param xOff offset of x's first element, in floats
     * @param n the number of samples
     * @param c the number of channels
     * @param s the spatial size per channel, the product of the spatial dimensions (1 for [n, c])
     * @param mean receives the per-channel mean [c]
     * @param meanOff offset of mean's first element, in floats
     * @param var receives the per-channel biased variance [c]
     * @param varOff offset of var's first element, in floats
     */
    public static void statistics(MemorySegment x, long xOff, int n, int c, int s,
                                  MemorySegment mean, long meanOff, MemorySegment var, long varOff) {
        if (!Simd.ENABLED) {
            statisticsScalar(x, xOff, n, c, s, mean, meanOff, var, varOff);
            return;
        }
        long total = checkShape(n, c, s);
        SegmentBounds.floats("x", x, xOff, total);
        SegmentBounds.floats("mean", mean, meanOff, c);
        SegmentBounds.floats("var", var, varOff, c);
        forChannels(total, c, ch -> {
            long m = (long) n * s;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += runSum(x, (xOff + ((long) i * c + ch) * s) * Float.BYTES, s);
            }
            double mu = sum / m;
            float mf = (float) mu;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                sq += runSquares(x, (xOff + ((long) i * c + ch) * s) * Float.BYTES, s, mf);
            }
            double d = mu - mf;
            mean.setAtIndex(FLOAT, meanOff + ch, mf);
            var.setAtIndex(FLOAT, varOff + ch, (float) Math.max(0, sq / m - d * d));
        });
    }

    /**
     * Scalar twin of {@link #statistics}: two passes in double.
     *
     * @param x the input [n, c, s]
     * @param xOff offset of x's first element, in floats
     * @param n the number of samples
     * @param c the number of channels
     * @param s the spatial size per channel, the product of the spatial dimensions (1 for [n, c])
     * @param mean receives the per-channel mean [c]
     * @param meanOff offset of mean's first element, in floats
     * @param var receives the per-channel biased variance [c]
     * @param varOff offset of var's first element, in floats
     */
    public static void statisticsScalar(MemorySegment x, long xOff, int n, int c, int s,
                                        MemorySegment mean, long meanOff, MemorySegment var, long varOff) {
        long total = checkShape(n, c, s);
        SegmentBounds.floats("x", x, xOff, total);
        SegmentBounds.floats("mean", mean, meanOff, c);
        SegmentBounds.floats("var", var, varOff, c);
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                long base = xOff + ((long) i * c + ch) * s;
                for (int k = 0; k < s; k++) {
                    sum += x.getAtIndex(FLOAT, base + k);
                }
            }
            double mu = sum / m;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                long base = xOff + ((long) i * c + ch) * s;
                for (int k = 0; k < s; k++) {
                    double d = x.getAtIndex(FLOAT, base + k) - mu;
                    sq += d * d;
                }
            }
            mean.setAtIndex(FLOAT, meanOff + ch, (float) mu);
            var.setAtIndex(FLOAT, varOff + ch, (float) (sq / m));
        }
    }

    /**
     * {@code y = x·scale[ch] + shift[ch]} over x[n, c, s]; y may be x.
     *
     * @param x the input [n, c, s]
     * @param xOff offset of x's first element, in floats
     * @param n the number of samples
     * @param c the number of channels
     * @param s the spatial size per channel, the product of the spatial dimensions (1 for [n, c])
     * @param scale the per-channel factor [c], γ·invStd
     * @param scaleOff offset of scale's first element, in floats
     * @param shift the per-channel offset [c], β − mean·scale
     * @param shiftOff offset of shift's first element, in floats
     * @param y the output [n, c, s]; may be x
     * @param yOff offset of y's first element, in floats
     */
    public static void normalize(MemorySegment x, long xOff, int n, int c, int s, MemorySegment scale, long scaleOff,
                                 MemorySegment shift, long shiftOff, MemorySegment y, long yOff) {
        if (!Simd.ENABLED) {
            normalizeScalar(x, xOff, n, c, s, scale, scaleOff, shift, shiftOff, y, yOff);
            return;
        }
        long total = checkNormalize(x, xOff, n, c, s, scale, scaleOff, shift, shiftOff, y, yOff);
        int runs = n * c;
        if (total < PARALLEL_MIN || runs < 2 || Parallel.THREADS == 1) {
            normalizeRuns(x, xOff, 0, runs, c, s, scale, scaleOff, shift, shiftOff, y, yOff);
            return;
        }
        int per = (runs + Parallel.THREADS - 1) / Parallel.THREADS;
        Parallel.forEach(Parallel.THREADS, t -> normalizeRuns(x, xOff, Math.min(runs, t * per),
                Math.min(runs, (t + 1) * per), c, s, scale, scaleOff, shift, shiftOff, y, yOff));
    }

    /**
     * Scalar twin of {@link #normalize}: the affine map in double, rounded once.
     *
     * @param x the input [n, c, s]
     * @param xOff offset of x's first element, in floats
     * @param n the number of samples
     * @param c the number of channels
     * @param s the spatial size per channel, the product of the spatial dimensions (1 for [n, c])
     * @param scale the per-channel factor [c], γ·invStd
     * @param scaleOff offset of scale's first element, in floats
     * @param shift the per-channel offset [c], β − mean·scale
     * @param shiftOff offset of shift's first element, in floats
     * @param y the output [n, c, s]; may be x
     * @param yOff offset of y's first element, in floats
     */
    public static void normalizeScalar(MemorySegment x, long xOff, int n, int c, int s, MemorySegment scale,
                                       long scaleOff, MemorySegment shift, long shiftOff, MemorySegment y, long yOff) {
        checkNormalize(x, xOff, n, c, s, scale, scaleOff, shift, shiftOff, y, yOff);
        for (long r = 0; r < (long) n * c; r++) {
            int ch = (int) (r % c);
            double a = scale.getAtIndex(FLOAT, scaleOff + ch);
            double b = shift.getAtIndex(FLOAT, shiftOff + ch);
            for (int k = 0; k < s; k++) {
                long at = r * s + k;
                y.setAtIndex(FLOAT, yOff + at, (float) (x.getAtIndex(FLOAT, xOff + at) * a + b));
            }
        }
    }

    /**
     * Training-mode gradients: dx, dgamma and dbeta are overwritten.
     *
     * @param x the input [n, c, s]
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient with respect to the output [n, c, s]
     * @param dyOff offset of dy's first element, in floats
     * @param n the number of samples
     * @param c the number of channels
     * @param s the spatial size per channel, the product of the spatial dimensions (1 for [n, c])
     * @param mean the per-channel mean [c]
     * @param meanOff offset of mean's first element, in floats
     * @param invStd the per-channel 1/sqrt(var + eps) [c]
     * @param invStdOff offset of invStd's first element, in floats
     * @param gamma the per-channel scale γ [c]
     * @param gammaOff offset of gamma's first element, in floats
     * @param dx receives the gradient with respect to x [n, c, s]
     * @param dxOff offset of dx's first element, in floats
     * @param dgamma receives the gradient with respect to γ [c]
     * @param dgammaOff offset of dgamma's first element, in floats
     * @param dbeta receives the gradient with respect to β [c]
     * @param dbetaOff offset of dbeta's first element, in floats
     */
    public static void backward(MemorySegment x, long xOff, MemorySegment dy, long dyOff, int n, int c, int s,
                                MemorySegment mean, long meanOff, MemorySegment invStd, long invStdOff,
                                MemorySegment gamma, long gammaOff, MemorySegment dx, long dxOff,
                                MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff) {
        if (!Simd.ENABLED) {
            backwardScalar(x, xOff, dy, dyOff, n, c, s, mean, meanOff, invStd, invStdOff, gamma, gammaOff,
                    dx, dxOff, dgamma, dgammaOff, dbeta, dbetaOff);
            return;
        }
        long total = checkBackward(x, xOff, dy, dyOff, n, c, s, mean, meanOff, invStd, invStdOff, gamma, gammaOff,
                dx, dxOff, dgamma, dgammaOff, dbeta, dbetaOff);
        long m = (long) n * s;
        forChannels(total, c, ch -> {
            float mu = mean.getAtIndex(FLOAT, meanOff + ch);
            double sumDy = 0;
            double sumDyXc = 0;
            double[] pair = new double[2];
            for (int i = 0; i < n; i++) {
                long o = (((long) i * c + ch) * s) * Float.BYTES;
                runDotCentered(x, xOff * Float.BYTES + o, dy, dyOff * Float.BYTES + o, s, mu, pair);
                sumDy += pair[0];
                sumDyXc += pair[1];
            }
            double is = invStd.getAtIndex(FLOAT, invStdOff + ch);
            double dg = sumDyXc * is;
            double k = gamma.getAtIndex(FLOAT, gammaOff + ch) * is;
            dgamma.setAtIndex(FLOAT, dgammaOff + ch, (float) dg);
            dbeta.setAtIndex(FLOAT, dbetaOff + ch, (float) sumDy);
            float a = (float) k;
            float b = (float) (-k * is * dg / m);
            float c0 = (float) (-k * sumDy / m);
            for (int i = 0; i < n; i++) {
                long o = (((long) i * c + ch) * s) * Float.BYTES;
                runGradient(x, xOff * Float.BYTES + o, dy, dyOff * Float.BYTES + o, dx, dxOff * Float.BYTES + o, s,
                        mu, a, b, c0);
            }
        });
    }

    /**
     * Scalar twin of {@link #backward}: sums and the gradient formula in double.
     *
     * @param x the input [n, c, s]
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient with respect to the output [n, c, s]
     * @param dyOff offset of dy's first element, in floats
     * @param n the number of samples
     * @param c the number of channels
     * @param s the spatial size per channel, the product of the spatial dimensions (1 for [n, c])
     * @param mean the per-channel mean [c]
     * @param meanOff offset of mean's first element, in floats
     * @param invStd the per-channel 1/sqrt(var + eps) [c]
     * @param invStdOff offset of invStd's first element, in floats
     * @param gamma the per-channel scale γ [c]
     * @param gammaOff offset of gamma's first element, in floats
     * @param dx receives the gradient with respect to x [n, c, s]
     * @param dxOff offset of dx's first element, in floats
     * @param dgamma receives the gradient with respect to γ [c]
     * @param dgammaOff offset of dgamma's first element, in floats
     * @param dbeta receives the gradient with respect to β [c]
     * @param dbetaOff offset of dbeta's first element, in floats
     */
    public static void backwardScalar(MemorySegment x, long xOff, MemorySegment dy, long dyOff, int n, int c, int s,
                                      MemorySegment mean, long meanOff, MemorySegment invStd, long invStdOff,
                                      MemorySegment gamma, long gammaOff, MemorySegment dx, long dxOff,
                                      MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff) {
        checkBackward(x, xOff, dy, dyOff, n, c, s, mean, meanOff, invStd, invStdOff, gamma, gammaOff,
                dx, dxOff, dgamma, dgammaOff, dbeta, dbetaOff);
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double mu = mean.getAtIndex(FLOAT, meanOff + ch);
            double is = invStd.getAtIndex(FLOAT, invStdOff + ch);
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                long base = ((long) i * c + ch) * s;
                for (int k = 0; k < s; k++) {
                    double g = dy.getAtIndex(FLOAT, dyOff + base + k);
                    sumDy += g;
                    sumDyXhat += g * (x.getAtIndex(FLOAT, xOff + base + k) - mu) * is;
                }
            }
            double gk = gamma.getAtIndex(FLOAT, gammaOff + ch) * is;
            for (int i = 0; i < n; i++) {
                long base = ((long) i * c + ch) * s;
                for (int k = 0; k < s; k++) {
                    double xhat = (x.getAtIndex(FLOAT, xOff + base + k) - mu) * is;
                    double g = dy.getAtIndex(FLOAT, dyOff + base + k);
                    dx.setAtIndex(FLOAT, dxOff + base + k, (float) (gk * (g - sumDy / m - xhat * sumDyXhat / m)));
                }
            }
            dgamma.setAtIndex(FLOAT, dgammaOff + ch, (float) sumDyXhat);
            dbeta.setAtIndex(FLOAT, dbetaOff + ch, (float) sumDy);
        }
    }

    // ---- vector runs ------------------------------------------------------------------------------

    private static double runSum(MemorySegment x, long xb, int s) {
        int lanes = F.length();
        int bound = F.loopBound(s);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int k = 0;
        for (; k + 2 * lanes <= bound; k += 2 * lanes) {
            long o = xb + (long) k * Float.BYTES;
            a0 = a0.add(FloatVector.fromMemorySegment(F, x, o, ORDER));
            a1 = a1.add(FloatVector.fromMemorySegment(F, x, o + (long) lanes * Float.BYTES, ORDER));
        }
        for (; k < bound; k += lanes) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, x, xb + (long) k * Float.BYTES, ORDER));
        }
        double sum = Simd.sum(a0.add(a1));
        for (; k < s; k++) {
            sum += x.get(FLOAT, xb + (long) k * Float.BYTES);
        }
        return sum;
    }

    private static double runSquares(MemorySegment x, long xb, int s, float mean) {
        int lanes = F.length();
        int bound = F.loopBound(s);
        FloatVector mv = FloatVector.broadcast(F, mean);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int k = 0;
        for (; k + 2 * lanes <= bound; k += 2 * lanes) {
            long o = xb + (long) k * Float.BYTES;
            FloatVector d0 = FloatVector.fromMemorySegment(F, x, o, ORDER).sub(mv);
            FloatVector d1 = FloatVector.fromMemorySegment(F, x, o + (long) lanes * Float.BYTES, ORDER).sub(mv);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        for (; k < bound; k += lanes) {
            FloatVector d0 = FloatVector.fromMemorySegment(F, x, xb + (long) k * Float.BYTES, ORDER).sub(mv);
            a0 = d0.fma(d0, a0);
        }
        double sum = Simd.sum(a0.add(a1));
        for (; k < s; k++) {
            double d = x.get(FLOAT, xb + (long) k * Float.BYTES) - mean;
            sum += d * d;
        }
        return sum;
    }

    /** out[0] = Σdy, out[1] = Σdy·(x − mean) over one run. */
    private static void runDotCentered(MemorySegment x, long xb, MemorySegment dy, long gb, int s, float mean,
                                       double[] out) {
        int lanes = F.length();
        int bound = F.loopBound(s);
        FloatVector mv = FloatVector.broadcast(F, mean);
        FloatVector sg = FloatVector.zero(F);
        FloatVector sx = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += lanes) {
            long o = (long) k * Float.BYTES;
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + o, ORDER);
            sg = sg.add(g);
            sx = FloatVector.fromMemorySegment(F, x, xb + o, ORDER).sub(mv).fma(g, sx);
        }
        double sumG = Simd.sum(sg);
        double sumX = Simd.sum(sx);
        for (; k < s; k++) {
            long o = (long) k * Float.BYTES;
            double g = dy.get(FLOAT, gb + o);
            sumG += g;
            sumX += g * (x.get(FLOAT, xb + o) - mean);
        }
        out[0] = sumG;
        out[1] = sumX;
    }

    /** dx = a·dy + b·(x − mean) + c0 over one run. */
    private static void runGradient(MemorySegment x, long xb, MemorySegment dy, long gb, MemorySegment dx, long db,
                                    int s, float mean, float a, float b, float c0) {
        int lanes = F.length();
        int bound = F.loopBound(s);
        FloatVector mv = FloatVector.broadcast(F, mean);
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector bv = FloatVector.broadcast(F, b);
        FloatVector cv = FloatVector.broadcast(F, c0);
        int k = 0;
        for (; k < bound; k += lanes) {
            long o = (long) k * Float.BYTES;
            FloatVector xc = FloatVector.fromMemorySegment(F, x, xb + o, ORDER).sub(mv);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + o, ORDER);
            g.fma(av, xc.fma(bv, cv)).intoMemorySegment(dx, db + o, ORDER);
        }
        for (; k < s; k++) {
            long o = (long) k * Float.BYTES;
            float xc = x.get(FLOAT, xb + o) - mean;
            dx.set(FLOAT, db + o, Math.fma(dy.get(FLOAT, gb + o), a, Math.fma(xc, b, c0)));
        }
    }

    private static void normalizeRuns(MemorySegment x, long xOff, int from, int to, int c, int s,
                                      MemorySegment scale, long scaleOff, MemorySegment shift, long shiftOff,
                                      MemorySegment y, long yOff) {
        int lanes = F.length();
        int bound = F.loopBound(s);
        for (int r = from; r < to; r++) {
            int ch = r % c;
            float a = scale.getAtIndex(FLOAT, scaleOff + ch);
            float b = shift.getAtIndex(FLOAT, shiftOff + ch);
            FloatVector av = FloatVector.broadcast(F, a);
            FloatVector bv = FloatVector.broadcast(F, b);
            long xb = (xOff + (long) r * s) * Float.BYTES;
            long yb = (yOff + (long) r * s) * Float.BYTES;
            int k = 0;
            for (; k < bound; k += lanes) {
                long o = (long) k * Float.BYTES;
                FloatVector.fromMemorySegment(F, x, xb + o, ORDER).fma(av, bv).intoMemorySegment(y, yb + o, ORDER);
            }
            for (; k < s; k++) {
                long o = (long) k * Float.BYTES;
                y.set(FLOAT, yb + o, Math.fma(x.get(FLOAT, xb + o), a, b));
            }
        }
    }

    // ---- threading and checks ---------------------------------------------------------------------

    private static void forChannels(long total, int c, java.util.function.IntConsumer channel) {
        if (total < PARALLEL_MIN || c < 2 || Parallel.THREADS == 1) {
            for (int ch = 0; ch < c; ch++) {
                channel.accept(ch);
            }
            return;
        }
        int tasks = Math.min(c, Parallel.THREADS);
        int per = (c + tasks - 1) / tasks;
        Parallel.forEach(tasks, t -> {
            for (int ch = t * per; ch < Math.min(c, (t + 1) * per); ch++) {
                channel.accept(ch);
            }
        });
    }

    private static long checkShape(int n, int c, int s) {
        if (n <= 0 || c <= 0 || s <= 0) {
            throw new IllegalArgumentException("batch norm: sizes must be > 0, got n=" + n + ", c=" + c + ", s=" + s);
        }
        long total = SegmentBounds.product("batch norm size", SegmentBounds.product("batch norm size", n, c), s);
        if ((long) n * c > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch norm: n·c = " + (long) n * c + " runs do not fit an int");
        }
        return total;
    }

    private static long checkNormalize(MemorySegment x, long xOff, int n, int c, int s, MemorySegment scale,
                                       long scaleOff, MemorySegment shift, long shiftOff, MemorySegment y, long yOff) {
        long total = checkShape(n, c, s);
        SegmentBounds.floats("x", x, xOff, total);
        SegmentBounds.floats("scale", scale, scaleOff, c);
        SegmentBounds.floats("shift", shift, shiftOff, c);
        SegmentBounds.floats("y", y, yOff, total);
        return total;
    }

    private static long checkBackward(MemorySegment x, long xOff, MemorySegment dy, long dyOff, int n, int c, int s,
                                      MemorySegment mean, long meanOff, MemorySegment invStd, long invStdOff,
                                      MemorySegment gamma, long gammaOff, MemorySegment dx, long dxOff,
                                      MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff) {
        long total = checkShape(n, c, s);
        SegmentBounds.floats("x", x, xOff, total);
        SegmentBounds.floats("dy", dy, dyOff, total);
        SegmentBounds.floats("mean", mean, meanOff, c);
        SegmentBounds.floats("invStd", invStd, invStdOff, c);
        SegmentBounds.floats("gamma", gamma, gammaOff, c);
        SegmentBounds.floats("dx", dx, dxOff, total);
        SegmentBounds.floats("dgamma", dgamma, dgammaOff, c);
        SegmentBounds.floats("dbeta", dbeta, dbetaOff, c);
        return total;
    }
}
