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
 * One Adam / AdamW step, in place, with PyTorch's torch.optim.Adam(W) semantics.
 *   param[n], grad[n], m[n], v[n] -> param, m, v updated; grad is only read.
 *
 *   g = grad                                     Adam with weight decay (L2):   g += wd * p
 *   AdamW (decoupled) with weight decay:         p *= 1 - lr * wd
 *   m = b1 * m + (1 - b1) * g                    each stored as +0 when below Float.MIN_NORMAL
 *   v = b2 * v + (1 - b2) * g * g                (see Subnormals)
 *   p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)     bc1 = 1 - b1^step, bc2 = 1 - b2^step
 *
 * The last line is lr * mhat / (sqrt(vhat) + eps) arranged as PyTorch evaluates it (addcdiv of
 * m by sqrt(v)/sqrt(bc2) + eps, scaled by lr/bc1).
 *
 * The hyperparameters arrive in double. Each per-call constant (b1, b2, 1 - b1, 1 - b2, eps, wd,
 * 1 - lr*wd, lr/bc1, sqrt(bc2)) is computed from them in double and rounded to float once, as
 * PyTorch computes them in Python floats and its float kernels convert each scalar to float.
 * (Rounding beta2 first makes 1 - b2 wrong by 1.3e-5, relative, for 0.999.)
 *
 * Per element everything is float with separate roundings, and vector sqrt/div are correctly
 * rounded like the scalar ones, so the vector version and its twin agree bit for bit. PyTorch's
 * CPU kernels differ in the last bits (torch 2.13, measured): they fuse the multiply-adds of
 * add(alpha=), lerp (its m update, m + (1-b1)*(g - m)) and addcmul, and their float sqrt is one
 * ulp off for about 0.7% of values.
 */
/** One Adam or AdamW step in place, with PyTorch's torch.optim.Adam(W) semantics. */
public final class AdamStep {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private AdamStep() {}

    /**
     * Applies Adam ({@code decoupled == false}) or AdamW ({@code decoupled == true}) step number
     * {@code step} (1 on the first call) to {@code n} parameters, updating param, m and v in place.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param m the first-moment estimate, updated in place
     * @param mOff offset of m's first element, in floats
     * @param v the second-moment estimate, updated in place
     * @param vOff offset of v's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param beta1 the decay rate of m
     * @param beta2 the decay rate of v
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     * @param step the step number, 1 on the first call
     */
    public static void run(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment m, long mOff,
                           MemorySegment v, long vOff, long n, double lr, double beta1, double beta2, double eps,
                           double weightDecay, boolean decoupled, int step) {
        if (!Simd.ENABLED) {
            runScalar(param, pOff, grad, gOff, m, mOff, v, vOff, n, lr, beta1, beta2, eps, weightDecay, decoupled,
                    step);
            return;
        }
        check(param, pOff, grad, gOff, m, mOff, v, vOff, n, beta1, beta2, step);
        Constants k = Constants.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                vector(param, pOff + start, grad, gOff + start, m, mOff + start, v, vOff + start, end - start, k));
    }

    /**
     * Scalar twin of {@link #run}: same arguments, same results bit for bit.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param m the first-moment estimate, updated in place
     * @param mOff offset of m's first element, in floats
     * @param v the second-moment estimate, updated in place
     * @param vOff offset of v's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param beta1 the decay rate of m
     * @param beta2 the decay rate of v
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     * @param step the step number, 1 on the first call
     */
    public static void runScalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment m,
                                 long mOff, MemorySegment v, long vOff, long n, double lr, double beta1,
                                 double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        check(param, pOff, grad, gOff, m, mOff, v, vOff, n, beta1, beta2, step);
        Constants k = Constants.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        scalar(param, pOff, grad, gOff, m, mOff, v, vOff, 0, n, k);
    }

    /** Elements [from, n) of the update, one at a time: the scalar twin, and the vector tail. */
    private static void scalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment m,
            long mOff, MemorySegment v, long vOff, long from, long n, Constants k) {
        for (long i = from; i < n; i++) {
            float p = param.getAtIndex(FLOAT, pOff + i);
            float g = grad.getAtIndex(FLOAT, gOff + i);
            if (k.l2) {
                g = g + k.wd * p;
            }
            if (k.decay) {
                p = p * k.shrink;
            }
            float mi = Subnormals.flush(k.b1 * m.getAtIndex(FLOAT, mOff + i) + k.oneMinusB1 * g);
            float vi = Subnormals.flush(k.b2 * v.getAtIndex(FLOAT, vOff + i) + k.oneMinusB2 * g * g);
            float denom = (float) Math.sqrt(vi) / k.sqrtBc2 + k.eps;
            m.setAtIndex(FLOAT, mOff + i, mi);
            v.setAtIndex(FLOAT, vOff + i, vi);
            param.setAtIndex(FLOAT, pOff + i, p - k.stepSize * mi / denom);
        }
    }

    private static void vector(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment m,
                               long mOff, MemorySegment v, long vOff, long n, Constants k) {
        long pb = pOff * Float.BYTES;
        long gb = gOff * Float.BYTES;
        long mb = mOff * Float.BYTES;
        long vb = vOff * Float.BYTES;
        FloatVector b1 = FloatVector.broadcast(F, k.b1);
        FloatVector b2 = FloatVector.broadcast(F, k.b2);
        FloatVector c1 = FloatVector.broadcast(F, k.oneMinusB1);
        FloatVector c2 = FloatVector.broadcast(F, k.oneMinusB2);
        FloatVector wd = FloatVector.broadcast(F, k.wd);
        FloatVector shrink = FloatVector.broadcast(F, k.shrink);
        FloatVector sqrtBc2 = FloatVector.broadcast(F, k.sqrtBc2);
        FloatVector eps = FloatVector.broadcast(F, k.eps);
        FloatVector stepSize = FloatVector.broadcast(F, k.stepSize);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector p = FloatVector.fromMemorySegment(F, param, pb + o, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(F, grad, gb + o, ORDER);
            if (k.l2) {
                g = g.add(wd.mul(p));
            }
            if (k.decay) {
                p = p.mul(shrink);
            }
            FloatVector mi = Subnormals.flush(
                    b1.mul(FloatVector.fromMemorySegment(F, m, mb + o, ORDER)).add(c1.mul(g)));
            FloatVector vi = Subnormals.flush(
                    b2.mul(FloatVector.fromMemorySegment(F, v, vb + o, ORDER)).add(c2.mul(g).mul(g)));
            FloatVector denom = vi.sqrt().div(sqrtBc2).add(eps);
            mi.intoMemorySegment(m, mb + o, ORDER);
            vi.intoMemorySegment(v, vb + o, ORDER);
            p.sub(stepSize.mul(mi).div(denom)).intoMemorySegment(param, pb + o, ORDER);
        }
        // The tail, fewer than a vector of elements, runs the scalar twin.
        scalar(param, pOff, grad, gOff, m, mOff, v, vOff, i, n, k);
    }

    /**
     * The per-call scalars of one step, each computed in double and rounded to float once, so that
     * both versions here and the CUDA kernel use identical values.
     *
     * @param b1 beta1
     * @param b2 beta2
     * @param oneMinusB1 1 - beta1
     * @param oneMinusB2 1 - beta2
     * @param eps added to the denominator
     * @param wd the weight decay
     * @param l2 weight decay added to the gradient (Adam)
     * @param decay weight decay applied to the parameter (AdamW)
     * @param shrink 1 - lr * wd, AdamW's factor
     * @param stepSize lr / (1 - beta1^step)
     * @param sqrtBc2 sqrt(1 - beta2^step)
     */
    public record Constants(float b1, float b2, float oneMinusB1, float oneMinusB2, float eps, float wd,
                            boolean l2, boolean decay, float shrink, float stepSize, float sqrtBc2) {
        /**
         * The constants of step number {@code step} (1 on the first call).
         *
         * @param lr the learning rate
         * @param beta1 the first moment's decay
         * @param beta2 the second moment's decay
         * @param eps added to the denominator
         * @param weightDecay the weight decay
         * @param decoupled AdamW's decay of the parameter rather than Adam's of the gradient
         * @param step the step number, from 1
         * @return the constants, each rounded to float once
         */
        public static Constants of(double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean decoupled, int step) {
            return new Constants((float) beta1, (float) beta2, (float) (1.0 - beta1), (float) (1.0 - beta2),
                    (float) eps, (float) weightDecay, !decoupled && weightDecay != 0, decoupled && weightDecay != 0,
                    (float) (1.0 - lr * weightDecay), (float) (lr / (1.0 - Math.pow(beta1, step))),
                    (float) Math.sqrt(1.0 - Math.pow(beta2, step)));
        }
    }

    private static void check(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment m, long mOff,
                              MemorySegment v, long vOff, long n, double beta1, double beta2, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1 (the first step is 1), got " + step);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        SegmentBounds.count("n", n);
        SegmentBounds.floats("param", param, pOff, n);
        SegmentBounds.floats("grad", grad, gOff, n);
        SegmentBounds.floats("m", m, mOff, n);
        SegmentBounds.floats("v", v, vOff, n);
    }
}
