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
 * One Adagrad step, in place, with PyTorch's torch.optim.Adagrad semantics.
 *   param[n], grad[n], sum[n] (accumulated squares) -> param and sum updated; grad is only read.
 *
 *   g   = grad + wd * p                              (only when wd != 0)
 *   clr = lr / (1 + (step - 1) * lrDecay)            step is 1 on the first call
 *   sum = sum + g * g
 *   p  -= clr * g / (sqrt(sum) + eps)
 *
 * clr is computed once in double from the double hyperparameters and rounded to float, as PyTorch
 * computes it in Python floats and its float kernels convert it. Per element everything is float
 * with separate roundings (no fused multiply-add), and vector sqrt/div are correctly rounded, so
 * both versions agree bit for bit.
 */
/** One Adagrad step in place, with PyTorch's torch.optim.Adagrad semantics. */
public final class AdagradStep {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private AdagradStep() {}

    /**
     * Applies Adagrad step number {@code step} (1 on the first call) to {@code n} parameters.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param sum the accumulated squared gradients, updated in place
     * @param sOff offset of sum's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param lrDecay the learning-rate decay: the rate is lr / (1 + (step - 1)·lrDecay)
     * @param weightDecay the weight decay; 0 for none
     * @param eps the term added to the denominator for stability
     * @param step the step number, 1 on the first call
     */
    public static void run(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sum, long sOff,
                           long n, double lr, double lrDecay, double weightDecay, double eps, int step) {
        if (!Simd.ENABLED) {
            runScalar(param, pOff, grad, gOff, sum, sOff, n, lr, lrDecay, weightDecay, eps, step);
            return;
        }
        check(param, pOff, grad, gOff, sum, sOff, n, lrDecay, step);
        float clr = decayedRate(lr, lrDecay, step);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) -> vector(param, pOff + start, grad, gOff + start, sum,
                sOff + start, end - start, clr, (float) weightDecay, (float) eps));
    }

    /**
     * Scalar twin of {@link #run}: same arguments, same results bit for bit.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param sum the accumulated squared gradients, updated in place
     * @param sOff offset of sum's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param lrDecay the learning-rate decay: the rate is lr / (1 + (step - 1)·lrDecay)
     * @param weightDecay the weight decay; 0 for none
     * @param eps the term added to the denominator for stability
     * @param step the step number, 1 on the first call
     */
    public static void runScalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sum,
                                 long sOff, long n, double lr, double lrDecay, double weightDecay, double eps,
                                 int step) {
        check(param, pOff, grad, gOff, sum, sOff, n, lrDecay, step);
        float clr = decayedRate(lr, lrDecay, step);
        scalar(param, pOff, grad, gOff, sum, sOff, 0, n, clr, (float) weightDecay, (float) eps);
    }

    /** Elements [from, n) of the update, one at a time: the scalar twin, and the vector tail. */
    private static void scalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sum,
            long sOff, long from, long n, float clr, float weightDecay, float eps) {
        for (long i = from; i < n; i++) {
            float p = param.getAtIndex(FLOAT, pOff + i);
            float g = grad.getAtIndex(FLOAT, gOff + i);
            if (weightDecay != 0f) {
                g = g + weightDecay * p;
            }
            float s = sum.getAtIndex(FLOAT, sOff + i) + g * g;
            sum.setAtIndex(FLOAT, sOff + i, s);
            param.setAtIndex(FLOAT, pOff + i, p - clr * (g / ((float) Math.sqrt(s) + eps)));
        }
    }

    private static void vector(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sum,
                               long sOff, long n, float clr, float weightDecay, float eps) {
        long pb = pOff * Float.BYTES;
        long gb = gOff * Float.BYTES;
        long sb = sOff * Float.BYTES;
        boolean decay = weightDecay != 0f;
        FloatVector wd = FloatVector.broadcast(F, weightDecay);
        FloatVector epsV = FloatVector.broadcast(F, eps);
        FloatVector clrV = FloatVector.broadcast(F, clr);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector p = FloatVector.fromMemorySegment(F, param, pb + o, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(F, grad, gb + o, ORDER);
            if (decay) {
                g = g.add(wd.mul(p));
            }
            FloatVector s = FloatVector.fromMemorySegment(F, sum, sb + o, ORDER).add(g.mul(g));
            s.intoMemorySegment(sum, sb + o, ORDER);
            p.sub(clrV.mul(g.div(s.sqrt().add(epsV)))).intoMemorySegment(param, pb + o, ORDER);
        }
        // The tail, fewer than a vector of elements, runs the scalar twin.
        scalar(param, pOff, grad, gOff, sum, sOff, i, n, clr, weightDecay, eps);
    }

    /**
     * The step's learning rate, computed in double and rounded to float once; also the CUDA kernel's.
     *
     * @param lr the learning rate
     * @param lrDecay the learning rate's decay per step
     * @param step the step number, from 1
     * @return lr / (1 + (step - 1) * lrDecay) as a float
     */
    public static float decayedRate(double lr, double lrDecay, int step) {
        return (float) (lr / (1.0 + (step - 1) * lrDecay));
    }

    private static void check(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment sum,
                              long sOff, long n, double lrDecay, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1 (the first step is 1), got " + step);
        }
        if (!(lrDecay >= 0) || Double.isInfinite(lrDecay)) {
            throw new IllegalArgumentException("lrDecay must be >= 0 and finite, got " + lrDecay);
        }
        SegmentBounds.count("n", n);
        SegmentBounds.floats("param", param, pOff, n);
        SegmentBounds.floats("grad", grad, gOff, n);
        SegmentBounds.floats("sum", sum, sOff, n);
    }
}
