package dev.gatun.nn;

import dev.gatun.ops.RecurrentSequence.Cell;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A multi-layer LSTM, PyTorch's nn.LSTM: gates in order i, f, g, o (input, forget, cell, output): i, f, o = σ(·), g = tanh(·) of x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh; c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t); G = 4.
 *
 * <p>Parameters have PyTorch's names and layouts, so state dicts load as they are:
 * {@code weight_ih_l{k}[_reverse]} [4·H, in], {@code weight_hh_l{k}[_reverse]} [4·H, H],
 * {@code bias_ih_l{k}[_reverse]} and {@code bias_hh_l{k}[_reverse]} [4·H], gate blocks stacked in
 * the order above, which is cuDNN's order too. Initialized U(±1/√H) like PyTorch. Layer k > 0
 * reads the previous layer's directions concatenated; the reverse direction reads the sequence
 * backwards and stores each output at its own time index. Each (layer, direction) runs as one
 * autograd node over the whole sequence (see {@link dev.gatun.ops.RecurrentSequence}).
 */
public final class LSTM extends RecurrentLayer {
    /**
     * One layer, one direction, time-major input, float32.
     *
     * @param inputSize the input features per step
     * @param hiddenSize the hidden size H
     * @param rng the source of the initial weights
     */
    public LSTM(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, false, false, DType.FLOAT32, rng);
    }

    /**
     * The full form: input [T, B, in] (or [B, T, in] when batchFirst).
     *
     * @param inputSize the input features per step
     * @param hiddenSize the hidden size H
     * @param numLayers the number of stacked layers
     * @param bidirectional whether each layer also runs backwards in time
     * @param batchFirst whether input and output are [B, T, ...] rather than [T, B, ...]
     * @param dtype the dtype of the parameters
     * @param rng the source of the initial weights
     */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, boolean batchFirst, DType dtype,
               RandomGenerator rng) {
        super(Cell.LSTM, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dtype, rng);
    }

    /** Runs the layer from initial states h0 and c0 [L·D, B, H] (either may be null: zeros). */
    @Override
    public RecurrentOutput forward(Tensor x, Tensor h0OrNull, Tensor c0OrNull) {
        return run(x, h0OrNull, c0OrNull);
    }
}
