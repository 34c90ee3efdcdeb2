package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * A whole single-direction recurrent layer in one call, for backends that have one (the CUDA
 * backend, through cuDNN's RNN API); the others run {@link dev.gatun.ops.RecurrentSequence} step
 * by step through {@link Backend#gemm} and the cell ops. Shapes and the states' slot layout are
 * RecurrentSequence's; {@code gates} is G: 1 (tanh RNN), 3 (GRU), 4 (LSTM).
 */
public interface FusedRecurrence {
    /** What the forward pass keeps for the backward pass. */
    interface Saved {}

    /**
     * Runs the layer and fills {@code states} [S, T+1, B, H] (zeros on entry): every hidden state,
     * and of the cell states (LSTM) the initial and the final one; the cell states in between are
     * kept inside the saved state, not in {@code states}, so gradients reaching them are ignored.
     */
    Saved forward(int gates, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh,
                  Tensor bHh, Tensor states);

    /**
     * Overwrites the gradients from {@code gradStates} (the gradient of {@code states}); any of them
     * may be null when not wanted. Runs once per forward pass.
     */
    void backward(Saved saved, Tensor gradStates, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih, Tensor dWhh,
                  Tensor dbIh, Tensor dbHh);
}
