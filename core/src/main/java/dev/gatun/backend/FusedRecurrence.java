package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * A whole single-direction recurrent layer in one call: how {@link dev.gatun.ops.RecurrentSequence}
 * runs on a backend ({@link Backend#fusedRecurrence}). Step by step through the backend's gemm
 * and cell ops by default ({@link SteppedRecurrence}; the CPU's packs W_hh and splits the batch
 * over threads), one call to cuDNN's RNN API on CUDA. Shapes and the states' slot layout are
 * RecurrentSequence's; {@code gates} is G: 1 (tanh RNN), 3 (GRU), 4 (LSTM).
 */
public interface FusedRecurrence {
    /** What the forward pass keeps for the backward pass. */
    interface Saved {}

    /**
     * Runs the layer and fills {@code states} [S, T+1, B, H] (zeros on entry): every hidden state,
     * and of the cell states (LSTM) at least the initial and the final one. An implementation may
     * keep the cell states in between inside the saved state instead (cuDNN does); then they stay
     * zero in {@code states} and gradients reaching them are ignored.
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
