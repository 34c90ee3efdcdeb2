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
     * The states tensor [planes, steps + 1, batch, hidden] that {@link #forward} fills: zeros by
     * default, which forward may rely on. An implementation that writes every slot itself, the
     * initial one included, may hand it out uninitialized.
     *
     * @param x the input sequence, whose device and dtype the states take
     * @param planes S, 2 for LSTM (h and c), else 1
     * @param steps T
     * @param batch B
     * @param hidden H
     * @return the states tensor for one forward pass
     */
    default Tensor newStates(Tensor x, int planes, int steps, int batch, int hidden) {
        return x.newZeros(planes, steps + 1, batch, hidden);
    }

    /**
     * Runs the layer and fills {@code states} [S, T+1, B, H] (from {@link #newStates}): every hidden state,
     * and of the cell states (LSTM) at least the initial and the final one. An implementation may
     * keep the cell states in between inside the saved state instead (cuDNN does); then they stay
     * zero in {@code states} and gradients reaching them are ignored.
     *
     * @param gates G, the gate blocks per cell: 1 (tanh RNN), 3 (GRU) or 4 (LSTM)
     * @param reverse whether the layer runs backwards in time
     * @param x the input sequence [T, B, in]
     * @param h0 the initial hidden state [B, H]
     * @param c0 the initial cell state [B, H] (LSTM), else null
     * @param wIh the input weights [G·H, in]
     * @param wHh the hidden weights [G·H, H]
     * @param bIh the input bias [G·H], or null
     * @param bHh the hidden bias [G·H], or null
     * @param states receives the states [S, T+1, B, H]
     * @return what the backward pass needs
     */
    Saved forward(int gates, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh,
                  Tensor bHh, Tensor states);

    /**
     * Overwrites the gradients from {@code gradStates} (the gradient of {@code states}); any of them
     * may be null when not wanted. Runs once per forward pass.
     *
     * @param saved what {@link #forward} returned
     * @param gradStates the gradient with respect to {@code states}
     * @param dx receives the gradient with respect to x, or null
     * @param dh0 receives the gradient with respect to h0, or null
     * @param dc0 receives the gradient with respect to c0, or null
     * @param dWih receives the gradient with respect to wIh, or null
     * @param dWhh receives the gradient with respect to wHh, or null
     * @param dbIh receives the gradient with respect to bIh, or null
     * @param dbHh receives the gradient with respect to bHh, or null
     */
    void backward(Saved saved, Tensor gradStates, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih, Tensor dWhh,
                  Tensor dbIh, Tensor dbHh);
}
