package dev.gatun.nn;

import dev.gatun.ops.Convolution;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution layer over NCHW input, PyTorch's {@code nn.Conv2d}: weight [out, in/groups, kH, kW]
 * (PyTorch's layout, so weight files carry over), bias [out]. Initialized like PyTorch:
 * Kaiming-uniform weight with a = √5, bias uniform(±1/√fanIn), fanIn = in/groups·kH·kW.
 */
public final class Conv2d extends Module {
    private final int in;
    private final int out;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A square-kernel layer with bias, dilation 1, one group, float32.
     *
     * @param inChannels the input channels
     * @param outChannels the output channels
     * @param kernel the kernel's side
     * @param stride the stride in both directions
     * @param padding the zero padding on each side
     * @param rng the source of the initial weights
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, RandomGenerator rng) {
        this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding}, new int[] {1, 1}, 1, true, DType.FLOAT32, rng);
    }

    /**
     * The full layer; kernel, stride, padding and dilation are {h, w}.
     *
     * @param inChannels the input channels
     * @param outChannels the output channels
     * @param kernel the kernel size {h, w}
     * @param stride the stride {h, w}
     * @param padding the zero padding {h, w}
     * @param dilation the spacing of kernel taps {h, w}
     * @param groups the number of channel groups; divides inChannels and outChannels
     * @param bias whether the layer has a bias
     * @param dtype the dtype of the parameters
     * @param rng the source of the initial weights
     */
    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias, DType dtype, RandomGenerator rng) {
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("Conv2d: channels must be > 0, got in=" + inChannels + ", out=" + outChannels);
        }
        this.kernel = pair("kernel", kernel, 1);
        this.stride = pair("stride", stride, 1);
        this.padding = pair("padding", padding, 0);
        this.dilation = pair("dilation", dilation, 1);
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: groups=" + groups + " must be > 0 and divide in=" + inChannels
                    + " and out=" + outChannels);
        }
        this.in = inChannels;
        this.out = outChannels;
        this.groups = groups;
        int[] shape = {outChannels, inChannels / groups, this.kernel[0], this.kernel[1]};
        this.weight = register("weight", Init.kaimingUniform(rng, dtype, Math.sqrt(5), shape));
        double bound = 1 / Math.sqrt((double) inChannels / groups * this.kernel[0] * this.kernel[1]);
        this.bias = bias ? register("bias", Tensor.uniform(rng, -bound, bound, dtype, outChannels)) : null;
    }

    private static int[] pair(String what, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException("Conv2d: " + what + " must be {h, w} with each >= " + min + ", got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        return v.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != in) {
            throw new IllegalArgumentException(this + ": input must be [batch, " + in + ", height, width], got "
                    + x.describe());
        }
        return Convolution.conv2d(x, weight.tensor(), bias == null ? null : bias.tensor(), stride, padding, dilation, groups);
    }

    /** {@return the weight [out, in/groups, kH, kW]} */
    public Parameter weight() {
        return weight;
    }

    /** {@return the bias [out], or null} */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Conv2d(").append(in).append(" → ").append(out).append(", ")
                .append(kernel[0]).append('x').append(kernel[1])
                .append(", stride ").append(size(stride))
                .append(", pad ").append(size(padding));
        if (dilation[0] != 1 || dilation[1] != 1) {
            s.append(", dilation ").append(size(dilation));
        }
        if (groups != 1) {
            s.append(", groups ").append(groups);
        }
        if (bias == null) {
            s.append(", no bias");
        }
        return s.append(')').toString();
    }

    private static String size(int[] v) {
        return v[0] == v[1] ? Integer.toString(v[0]) : v[0] + "x" + v[1];
    }
}
