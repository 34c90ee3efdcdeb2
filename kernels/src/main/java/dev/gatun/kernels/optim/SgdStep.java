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
 * One SGD step, in place, with PyTorch's torch.optim.SGD semantics.
 *   param[n], grad[n], buf[n] (momentum buffer, may be null when momentum == 0)
 *     -> param and buf updated; grad is only read.
 *
 *   g = grad + wd * p                                     (only when wd != 0)
 *   if momentum != 0:
 *       buf = firstStep ? g : momentum * buf + (1 - dampening) * g   (+0 below Float.MIN_NORMAL: Subnormals)
 *       g   = nesterov ? g + momentum * buf : buf
 *   p -= lr * g
 *
 * As in PyTorch, the first step copies g into the buffer without dampening, and nesterov needs
 * momentum > 0 and dampening == 0. 1 - dampening is computed in double from the double
 * dampening and rounded to float once, as PyTorch computes it in Python floats. All per-element
 * math is float with separate roundings, the same in both versions: they agree bit for bit.
 */
/** One SGD step in place, with PyTorch's torch.optim.SGD semantics. */
public final class SgdStep {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private SgdStep() {}

    /**
     * Applies one SGD step to {@code n} parameters. {@code bufOrNull} is the momentum buffer
     * (required when {@code momentum != 0}); {@code firstStep} says it holds nothing yet.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param bufOrNull the momentum buffer, updated in place; null allowed when momentum is 0
     * @param bufOff offset of the momentum buffer's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param momentum the momentum factor; 0 for none
     * @param dampening the dampening of the momentum, applied from the second step on
     * @param weightDecay the weight decay; 0 for none
     * @param nesterov whether to use Nesterov momentum (needs momentum > 0 and dampening 0)
     * @param firstStep whether the buffer holds nothing yet, so that g is copied into it
     */
    public static void run(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment bufOrNull,
                           long bufOff, long n, double lr, double momentum, double dampening, double weightDecay,
                           boolean nesterov, boolean firstStep) {
        if (!Simd.ENABLED) {
            runScalar(param, pOff, grad, gOff, bufOrNull, bufOff, n, lr, momentum, dampening, weightDecay, nesterov,
                    firstStep);
            return;
        }
        check(param, pOff, grad, gOff, bufOrNull, bufOff, n, momentum, dampening, nesterov);
        float undamped = (float) (1.0 - dampening);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) -> vector(param, pOff + start, grad, gOff + start, bufOrNull,
                bufOff + start, end - start, (float) lr, (float) momentum, undamped, (float) weightDecay, nesterov,
                firstStep));
    }

    /**
     * Scalar twin of {@link #run}: same arguments, same results bit for bit.
     *
     * @param param the parameters, updated in place
     * @param pOff offset of param's first element, in floats
     * @param grad the gradients, only read
     * @param gOff offset of grad's first element, in floats
     * @param bufOrNull the momentum buffer, updated in place; null allowed when momentum is 0
     * @param bufOff offset of the momentum buffer's first element, in floats
     * @param n the number of elements
     * @param lr the learning rate
     * @param momentum the momentum factor; 0 for none
     * @param dampening the dampening of the momentum, applied from the second step on
     * @param weightDecay the weight decay; 0 for none
     * @param nesterov whether to use Nesterov momentum (needs momentum > 0 and dampening 0)
     * @param firstStep whether the buffer holds nothing yet, so that g is copied into it
     */
    public static void runScalar(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment bufOrNull,
                                 long bufOff, long n, double lr, double momentum, double dampening,
                                 double weightDecay, boolean nesterov, boolean firstStep) {
        check(param, pOff, grad, gOff, bufOrNull, bufOff, n, momentum, dampening, nesterov);
        float undamped = (float) (1.0 - dampening);
        scalar(param, pOff, grad, gOff, bufOrNull, bufOff, 0, n, (float) lr, (float) momentum, undamped,
                (float) weightDecay, nesterov, firstStep);
    }

    /** Elements [from, n) of the update, one at a time: the scalar twin, and the vector tail. */
    private static void scalar(MemorySegment param, long pOff, MemorySegment grad, long gOff,
            MemorySegment bufOrNull, long bufOff, long from, long n, float lr, float momentum, float undamped,
            float weightDecay, boolean nesterov, boolean firstStep) {
        for (long i = from; i < n; i++) {
            float p = param.getAtIndex(FLOAT, pOff + i);
            float g = grad.getAtIndex(FLOAT, gOff + i);
            if (weightDecay != 0f) {
                g = g + weightDecay * p;
            }
            if (momentum != 0f) {
                float b = Subnormals.flush(
                        firstStep ? g : momentum * bufOrNull.getAtIndex(FLOAT, bufOff + i) + undamped * g);
                bufOrNull.setAtIndex(FLOAT, bufOff + i, b);
                g = nesterov ? g + momentum * b : b;
            }
            param.setAtIndex(FLOAT, pOff + i, p - lr * g);
        }
    }

    private static void vector(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment buf,
                               long bufOff, long n, float lr, float momentum, float undamped, float weightDecay,
                               boolean nesterov, boolean firstStep) {
        long pb = pOff * Float.BYTES;
        long gb = gOff * Float.BYTES;
        long bb = bufOff * Float.BYTES;
        boolean decay = weightDecay != 0f;
        boolean useBuf = momentum != 0f;
        FloatVector lrV = FloatVector.broadcast(F, lr);
        FloatVector mom = FloatVector.broadcast(F, momentum);
        FloatVector und = FloatVector.broadcast(F, undamped);
        FloatVector wd = FloatVector.broadcast(F, weightDecay);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector p = FloatVector.fromMemorySegment(F, param, pb + o, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(F, grad, gb + o, ORDER);
            if (decay) {
                g = g.add(wd.mul(p));
            }
            if (useBuf) {
                FloatVector b = Subnormals.flush(firstStep ? g
                        : mom.mul(FloatVector.fromMemorySegment(F, buf, bb + o, ORDER)).add(und.mul(g)));
                b.intoMemorySegment(buf, bb + o, ORDER);
                g = nesterov ? g.add(mom.mul(b)) : b;
            }
            p.sub(lrV.mul(g)).intoMemorySegment(param, pb + o, ORDER);
        }
        // The tail, fewer than a vector of elements, runs the scalar twin.
        scalar(param, pOff, grad, gOff, buf, bufOff, i, n, lr, momentum, undamped, weightDecay, nesterov, firstStep);
    }

    private static void check(MemorySegment param, long pOff, MemorySegment grad, long gOff, MemorySegment buf,
                              long bufOff, long n, double momentum, double dampening, boolean nesterov) {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov momentum needs momentum > 0 and dampening == 0, got "
                    + "momentum = " + momentum + ", dampening = " + dampening);
        }
        SegmentBounds.count("n", n);
        SegmentBounds.floats("param", param, pOff, n);
        SegmentBounds.floats("grad", grad, gOff, n);
        if (momentum != 0) {
            if (buf == null) {
                throw new IllegalArgumentException("momentum = " + momentum + " needs a momentum buffer, got null");
            }
            SegmentBounds.floats("buf", buf, bufOff, n);
        }
    }
}
