package dev.gatun.nn;

import dev.gatun.tensor.Tensor;

/**
 * What a recurrent layer returns, shaped like PyTorch's: {@code output} [T, B, D·H] ([B, T, D·H]
 * when batch-first; then it is a transposed view, so call {@code contiguous()} before a reshape),
 * {@code hN} [L·D, B, H] the final hidden state of every layer and direction, and {@code cN}
 * (LSTM only, else null) the final cell state, same shape.
 *
 * @param output the output sequence [T, B, D·H], or [B, T, D·H] when batch-first
 * @param hN the final hidden state of every layer and direction [L·D, B, H]
 * @param cN the final cell state [L·D, B, H] (LSTM), else null
 */
public record RecurrentOutput(Tensor output, Tensor hN, Tensor cN) {}
