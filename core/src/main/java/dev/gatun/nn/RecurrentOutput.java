package dev.gatun.nn;

import dev.gatun.tensor.Tensor;

/**
 * What a recurrent layer returns, shaped like PyTorch's: {@code output} [T, B, D·H] ([B, T, D·H]
 * when batch-first; then it is a transposed view, so call {@code contiguous()} before a reshape),
 * {@code hN} [L·D, B, H] the final hidden state of every layer and direction, and {@code cN}
 * (LSTM only, else null) the final cell state, same shape.
 */
public record RecurrentOutput(Tensor output, Tensor hN, Tensor cN) {}
