package dev.gatun.nn;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Weight initializers. Fan-in and fan-out follow PyTorch: for a weight [out, in, k...],
 * fanIn = in·Πk and fanOut = out·Πk.
 */
public final class Init {
    private Init() {}

    /**
     * Uniform in [lo, hi).
     *
     * @param rng the random source
     * @param dtype the element type
     * @param lo the lower bound, included
     * @param hi the upper bound, excluded
     * @param shape the tensor's shape
     * @return a new tensor in the current scope
     */
    public static Tensor uniform(RandomGenerator rng, DType dtype, double lo, double hi, int... shape) {
        return Tensor.uniform(rng, lo, hi, dtype, shape);
    }

    /**
     * Normal with the given mean and standard deviation.
     *
     * @param rng the random source
     * @param dtype the element type
     * @param mean the distribution's mean
     * @param std the standard deviation
     * @param shape the tensor's shape
     * @return a new tensor in the current scope
     */
    public static Tensor normal(RandomGenerator rng, DType dtype, double mean, double std, int... shape) {
        return Tensor.normal(rng, mean, std, dtype, shape);
    }

    /**
     * Glorot/Xavier uniform: U(±√(6 / (fanIn + fanOut))).
     *
     * @param rng the random source
     * @param dtype the element type
     * @param shape the weight's shape [out, in, ...], rank >= 2
     * @return a new tensor in the current scope
     */
    public static Tensor xavierUniform(RandomGenerator rng, DType dtype, int... shape) {
        double bound = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
        return uniform(rng, dtype, -bound, bound, shape);
    }

    /**
     * Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)).
     *
     * @param rng the random source
     * @param dtype the element type
     * @param shape the weight's shape [out, in, ...], rank >= 2
     * @return a new tensor in the current scope
     */
    public static Tensor xavierNormal(RandomGenerator rng, DType dtype, int... shape) {
        return normal(rng, dtype, 0, Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), shape);
    }

    /**
     * He/Kaiming uniform for a leaky-ReLU slope {@code a} (0 for ReLU): U(±gain·√(3 / fanIn)),
     * gain = √(2 / (1 + a²)). PyTorch's Linear default is a = √5.
     *
     * @param rng the random source
     * @param dtype the element type
     * @param a the negative slope of the leaky ReLU that follows; 0 for ReLU
     * @param shape the weight's shape [out, in, ...], rank >= 2
     * @return a new tensor in the current scope
     */
    public static Tensor kaimingUniform(RandomGenerator rng, DType dtype, double a, int... shape) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double bound = gain * Math.sqrt(3.0 / fanIn(shape));
        return uniform(rng, dtype, -bound, bound, shape);
    }

    /**
     * He/Kaiming normal for ReLU: N(0, 2 / fanIn).
     *
     * @param rng the random source
     * @param dtype the element type
     * @param shape the weight's shape [out, in, ...], rank >= 2
     * @return a new tensor in the current scope
     */
    public static Tensor kaimingNormal(RandomGenerator rng, DType dtype, int... shape) {
        return normal(rng, dtype, 0, Math.sqrt(2.0 / fanIn(shape)), shape);
    }

    static long fanIn(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan-in needs a weight of rank >= 2, got rank " + shape.length);
        }
        return (long) shape[1] * receptive(shape);
    }

    static long fanOut(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan-out needs a weight of rank >= 2, got rank " + shape.length);
        }
        return (long) shape[0] * receptive(shape);
    }

    private static long receptive(int[] shape) {
        long r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }
}
