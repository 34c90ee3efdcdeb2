package dev.gatun.nn;

import dev.gatun.ops.MatMul;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Fully connected layer y = x·Wᵀ + b. W is [out, in] (PyTorch's layout, so weight files carry
 * over); b is [out]. Initialized like PyTorch: Kaiming-uniform W, uniform(±1/√in) b.
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A layer with bias, float32, drawing its initial weights from rng.
     *
     * @param in the input features
     * @param out the output features
     * @param rng the source of the initial weights
     */
    public Linear(int in, int out, RandomGenerator rng) {
        this(in, out, true, DType.FLOAT32, rng);
    }

    /**
     * A layer with or without bias in the given dtype.
     *
     * @param in the input features
     * @param out the output features
     * @param withBias whether the layer has a bias
     * @param dtype the dtype of the parameters
     * @param rng the source of the initial weights
     */
    public Linear(int in, int out, boolean withBias, DType dtype, RandomGenerator rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: sizes must be > 0, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = register("weight", Init.kaimingUniform(rng, dtype, Math.sqrt(5), out, in));
        double bound = 1 / Math.sqrt(in);
        this.bias = withBias ? register("bias", Tensor.uniform(rng, -bound, bound, dtype, out)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " → " + out + "): input must be [batch, " + in
                    + "], got " + x.describe());
        }
        return MatMul.linear(x, weight.tensor(), bias == null ? null : bias.tensor());
    }

    /** {@return the weight [out, in]} */
    public Parameter weight() {
        return weight;
    }

    /** {@return the bias [out], or null} */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "Linear(" + in + " → " + out + (bias == null ? ", no bias" : "") + ")";
    }
}
