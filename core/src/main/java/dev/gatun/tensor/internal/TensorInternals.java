package dev.gatun.tensor.internal;

import dev.gatun.autograd.GradFn;
import dev.gatun.tensor.Tensor;

/**
 * What the tensor lends to autograd and to device backends, and to no one else: this package is
 * not exported (the cuda module alone gets it, by a qualified export), so these stay out of the
 * API that applications see.
 */
public final class TensorInternals {
    /** The tensor's side of the bridge, installed once by {@link Tensor}'s static initializer. */
    public interface Access {
        /**
         * Records how {@code t} was computed.
         *
         * @param t the op's output
         * @param fn its gradient record
         */
        void setGradFn(Tensor t, GradFn fn);

        /**
         * The device address of {@code t}'s storage (element 0 of the storage, not of the view).
         *
         * @param t a device tensor
         * @return the address
         */
        long deviceAddress(Tensor t);

        /**
         * A host view of a device tensor whose memory the host can map (the fake device's).
         *
         * @param t a device tensor
         * @return a host tensor over the same memory
         */
        Tensor deviceHostView(Tensor t);

        /**
         * The gradient of {@code t} if it was zeroed and not yet written, which clears that state.
         *
         * @param t a tensor
         * @return its gradient, or null where it holds what was written into it
         */
        Tensor takeZeroedGrad(Tensor t);

        /**
         * The gradient of {@code t} if it was zeroed and not yet written; the state stays.
         *
         * @param t a tensor
         * @return its gradient, or null where it holds what was written into it
         */
        Tensor zeroedGrad(Tensor t);
    }

    // Written in Tensor's static initializer: whoever holds a tensor has seen that write.
    private static Access access;

    private TensorInternals() {}

    /**
     * Called by {@link Tensor} alone, once.
     *
     * @param a the tensor's side of the bridge
     */
    public static void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("TensorInternals is installed already");
        }
        access = a;
    }

    /**
     * Records how {@code t} was computed: autograd's one write into a tensor.
     *
     * @param t the op's output
     * @param fn its gradient record
     */
    public static void setGradFn(Tensor t, GradFn fn) {
        access.setGradFn(t, fn);
    }

    /**
     * The device address of {@code t}'s storage (add {@code t.offset()} elements for the view's
     * first element); throws for a host tensor.
     *
     * @param t a device tensor
     * @return the address
     */
    public static long deviceAddress(Tensor t) {
        return access.deviceAddress(t);
    }

    /**
     * A host view of {@code t}, a tensor on a device the host can map; throws otherwise.
     *
     * @param t a device tensor
     * @return a host tensor over the same memory
     */
    public static Tensor deviceHostView(Tensor t) {
        return access.deviceHostView(t);
    }

    /**
     * The gradient of {@code t} if {@link Tensor#zeroGrad} left it to be written and nothing has
     * read it since: the caller overwrites it instead of adding to zeros. Clears that state.
     *
     * @param t a tensor
     * @return its gradient, or null where its memory holds the gradient
     */
    public static Tensor takeZeroedGrad(Tensor t) {
        return access.takeZeroedGrad(t);
    }

    /**
     * The gradient of {@code t} if {@link Tensor#zeroGrad} left it to be written and nothing has
     * read it since, without changing that state: a backward rule may write the gradient there.
     *
     * @param t a tensor
     * @return its gradient, or null where its memory holds the gradient
     */
    public static Tensor zeroedGrad(Tensor t) {
        return access.zeroedGrad(t);
    }
}
