package dev.gatun.kernels.optim;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * One RMSprop step, in place, with PyTorch's torch.optim.RMSprop semantics.
 *   param[n], grad[n], sq[n] (square average), buf[n] (momentum buffer, null when momentum == 0),
 *   gavg[n] (gradient average, null unless centered) -> param, sq, buf, gavg updated; grad is only read.
 *
 *   g    = grad + wd * p                                (only when wd != 0)
 *   sq   = alpha * sq + (1 - alpha) * g * g
 *   centered:  gavg = alpha * gavg + (1 - alpha) * g
 *              avg  = sqrt(sq - gavg * gavg) + eps
 *   otherwise: avg  = sqrt(sq) + eps
 *   momentum:  buf = momentum * buf + g / avg;  p -= lr * buf      (buf starts at zero, as in torch)
 *   otherwise: p -= lr * g / avg
 *   sq, gavg, buf and gavg * gavg are +0 below Float.MIN_NORMAL (Subnormals): the square is
 *   flushed with sq, so that sq - gavg * gavg cannot turn negative where sq was flushed.
 *
 * The hyperparameters arrive in double; 1 - alpha is computed from alpha in double and rounded to
 * float once, as PyTorch computes it in Python floats before its float kernel converts it (rounding
 * alpha first makes 1 - alpha wrong by 9.5e-7, relative, for 0.99). All per-element math is float
 * with separate roundings, and vector sqrt/div are correctly rounded, so both versions agree bit
 * for bit. PyTorch's CPU kernels differ in the last bits: they fuse the multiply-adds of
 * add(alpha=), addcmul and lerp (its gavg update), and compute p - (lr * g) / avg.
 */
/** One RMSprop step in place, with PyTorch's torch.optim.RMSprop semantics. */
public final class RmspropStep {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private RmspropStep() {}

    /**
     * Applies one RMSprop step to {@code n} parameters. {@code bufOrNull} is needed when
     * {@code momentum != 0}, {@code gradAvgOrNull} when {@code centered}.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param sq the running average of squared gradients, updated in place
     * @param sqOff offset of sq's first element, in floats
     * @param bufOrNull the momentum buffer, updated in place; null when momentum is 0
     * @param bufOff offset of the momentum buffer's first element, in floats
     * @param gradAvgOrNull the running average of gradients, updated in place; null unless centered
     * @param gaOff offset of the gradient average's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param alpha the smoothing constant of the averages
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param momentum the momentum factor; 0 for none
     * @param centered whether to divide by the estimated variance rather than the mean square
     */
    public static void run(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sq, long sqOff,
                           MemorySegment bufOrNull, long bufOff, MemorySegment gradAvgOrNull, long gaOff, long n,
                           double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        if (!Simd.ENABLED) {
            runScalar(param, pOff, grad, gOff, sq, sqOff, bufOrNull, bufOff, gradAvgOrNull, gaOff, n, lr, alpha, eps,
                    weightDecay, momentum, centered);
            return;
        }
        check(param, pOff, grad, gOff, sq, sqOff, bufOrNull, bufOff, gradAvgOrNull, gaOff, n, alpha, momentum,
                centered);
        Constants k = Constants.of(lr, alpha, eps, weightDecay, momentum, centered);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) -> vector(param, pOff + start, grad, gOff + start, sq,
                sqOff + start, bufOrNull, bufOff + start, gradAvgOrNull, gaOff + start, end - start, k));
    }

    /**
     * Scalar twin of {@link #run}: same arguments, same results bit for bit.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param sq the running average of squared gradients, updated in place
     * @param sqOff offset of sq's first element, in floats
     * @param bufOrNull the momentum buffer, updated in place; null when momentum is 0
     * @param bufOff offset of the momentum buffer's first element, in floats
     * @param gradAvgOrNull the running average of gradients, updated in place; null unless centered
     * @param gaOff offset of the gradient average's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param alpha the smoothing constant of the averages
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param momentum the momentum factor; 0 for none
     * @param centered whether to divide by the estimated variance rather than the mean square
     */
    public static void runScalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sq,
                                 long sqOff, MemorySegment bufOrNull, long bufOff, MemorySegment gradAvgOrNull,
                                 long gaOff, long n, double lr, double alpha, double eps, double weightDecay,
                                 double momentum, boolean centered) {
        check(param, pOff, grad, gOff, sq, sqOff, bufOrNull, bufOff, gradAvgOrNull, gaOff, n, alpha, momentum,
                centered);
        Constants k = Constants.of(lr, alpha, eps, weightDecay, momentum, centered);
        scalar(param, pOff, grad, gOff, sq, sqOff, bufOrNull, bufOff, gradAvgOrNull, gaOff, 0, n, k);
    }

    /** Elements [from, n) of the update, one at a time: the scalar twin, and the vector tail. */
    private static void scalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sq,
            long sqOff, MemorySegment bufOrNull, long bufOff, MemorySegment gradAvgOrNull, long gaOff, long from,
            long n, Constants k) {
        for (long i = from; i < n; i++) {
            float p = param.getAtIndex(FLOAT, pOff + i);
            float g = grad.getAtIndex(FLOAT, gOff + i);
            if (k.decay) {
                g = g + k.wd * p;
            }
            float s = Subnormals.flush(k.alpha * sq.getAtIndex(FLOAT, sqOff + i) + k.oneMinusAlpha * g * g);
            sq.setAtIndex(FLOAT, sqOff + i, s);
            float avg;
            if (k.centered) {
                float ga = Subnormals.flush(
                        k.alpha * gradAvgOrNull.getAtIndex(FLOAT, gaOff + i) + k.oneMinusAlpha * g);
                gradAvgOrNull.setAtIndex(FLOAT, gaOff + i, ga);
                avg = (float) Math.sqrt(s - Subnormals.flush(ga * ga)) + k.eps;
            } else {
                avg = (float) Math.sqrt(s) + k.eps;
            }
            if (k.useBuf) {
                float b = Subnormals.flush(k.momentum * bufOrNull.getAtIndex(FLOAT, bufOff + i) + g / avg);
                bufOrNull.setAtIndex(FLOAT, bufOff + i, b);
                param.setAtIndex(FLOAT, pOff + i, p - k.lr * b);
            } else {
                param.setAtIndex(FLOAT, pOff + i, p - k.lr * (g / avg));
            }
        }
    }

    private static void vector(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sq,
                               long sqOff, MemorySegment buf, long bufOff, MemorySegment gavg, long gaOff, long n,
                               Constants k) {
        long pb = pOff * Float.BYTES;
        long gb = gOff * Float.BYTES;
        long sb = sqOff * Float.BYTES;
        long bb = bufOff * Float.BYTES;
        long ab = gaOff * Float.BYTES;
        FloatVector alpha = FloatVector.broadcast(F, k.alpha);
        FloatVector oneMinusAlpha = FloatVector.broadcast(F, k.oneMinusAlpha);
        FloatVector wd = FloatVector.broadcast(F, k.wd);
        FloatVector eps = FloatVector.broadcast(F, k.eps);
        FloatVector lr = FloatVector.broadcast(F, k.lr);
        FloatVector mom = FloatVector.broadcast(F, k.momentum);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector p = FloatVector.fromMemorySegment(F, param, pb + o, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(F, grad, gb + o, ORDER);
            if (k.decay) {
                g = g.add(wd.mul(p));
            }
            FloatVector s = Subnormals.flush(alpha.mul(FloatVector.fromMemorySegment(F, sq, sb + o, ORDER))
                    .add(oneMinusAlpha.mul(g).mul(g)));
            s.intoMemorySegment(sq, sb + o, ORDER);
            FloatVector avg;
            if (k.centered) {
                FloatVector ga = Subnormals.flush(alpha.mul(FloatVector.fromMemorySegment(F, gavg, ab + o, ORDER))
                        .add(oneMinusAlpha.mul(g)));
                ga.intoMemorySegment(gavg, ab + o, ORDER);
                avg = s.sub(Subnormals.flush(ga.mul(ga))).sqrt().add(eps);
            } else {
                avg = s.sqrt().add(eps);
            }
            if (k.useBuf) {
                FloatVector b = Subnormals.flush(
                        mom.mul(FloatVector.fromMemorySegment(F, buf, bb + o, ORDER)).add(g.div(avg)));
                b.intoMemorySegment(buf, bb + o, ORDER);
                p.sub(lr.mul(b)).intoMemorySegment(param, pb + o, ORDER);
            } else {
                p.sub(lr.mul(g.div(avg))).intoMemorySegment(param, pb + o, ORDER);
            }
        }
        // The tail, fewer than a vector of elements, runs the scalar twin.
        scalar(param, pOff, grad, gOff, sq, sqOff, buf, bufOff, gavg, gaOff, i, n, k);
    }

    /**
     * The per-call scalars of one step, each computed in double and rounded to float once, so that
     * both versions here and the CUDA kernel use identical values.
     *
     * @param lr the learning rate
     * @param alpha the square average's decay
     * @param oneMinusAlpha 1 - alpha
     * @param eps added to the denominator
     * @param wd the weight decay
     * @param decay whether wd != 0
     * @param momentum the momentum factor
     * @param useBuf whether momentum != 0
     * @param centered whether the gradient average is subtracted
     */
    public record Constants(float lr, float alpha, float oneMinusAlpha, float eps, float wd, boolean decay,
                            float momentum, boolean useBuf, boolean centered) {
        /**
         * The constants for these hyperparameters.
         *
         * @param lr the learning rate
         * @param alpha the square average's decay
         * @param eps added to the denominator
         * @param weightDecay the weight decay
         * @param momentum the momentum factor, 0 for none
         * @param centered whether to subtract the gradient average
         * @return the constants, each rounded to float once
         */
        public static Constants of(double lr, double alpha, double eps, double weightDecay, double momentum,
                boolean centered) {
            return new Constants((float) lr, (float) alpha, (float) (1.0 - alpha), (float) eps, (float) weightDecay,
                    weightDecay != 0, (float) momentum, momentum != 0, centered);
        }
    }

    private static void check(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sq,
                              long sqOff, MemorySegment buf, long bufOff, MemorySegment gavg, long gaOff, long n,
                              double alpha, double momentum, boolean centered) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("momentum must be >= 0 and finite, got " + momentum);
        }
        SegmentBounds.count("n", n);
        SegmentBounds.floats("param", param, pOff, n);
        SegmentBounds.floats("grad", grad, gOff, n);
        SegmentBounds.floats("squareAvg", sq, sqOff, n);
        if (momentum != 0) {
            if (buf == null) {
                throw new IllegalArgumentException("momentum = " + momentum + " needs a momentum buffer, got null");
            }
            SegmentBounds.floats("buf", buf, bufOff, n);
        }
        if (centered) {
            if (gavg == null) {
                throw new IllegalArgumentException("centered RMSprop needs a gradient average buffer, got null");
            }
            SegmentBounds.floats("gradAvg", gavg, gaOff, n);
        }
    }
}
