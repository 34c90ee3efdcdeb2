/*
 * Row-wise softmax / log-softmax and their gradients; the device twins of ScalarBackend.softmax
 * and softmaxBackward (and of Softmax and LogSoftmax in dev.gatun.kernels.reduce).
 *   softmax_rows:          x[rows, cols] -> y[rows, cols]
 *       m = max_c x[r, c],  s = sum_c exp(x[r, c] - m)
 *       log == 0: y = exp(x - m) / s        log != 0: y = (x - m) - log(s)
 *   softmax_backward_rows: y, dy[rows, cols] -> dx[rows, cols], y being softmax_rows's output
 *       log == 0: dx = y * (dy - sum_c dy * y)
 *       log != 0: dx = dy - exp(y) * sum_c dy
 *
 * Subtracting the row maximum keeps every exp in (0, 1], so nothing overflows and s >= 1. The
 * maximum propagates NaN (Math.max), so a row with a NaN, or whose maximum is +-inf, comes out NaN
 * as in the scalar backend and PyTorch.
 *
 * Precision: float32 throughout (expf, logf within 2 and 1 ulp; IEEE division), sums over the row
 * in a per-thread run then a block tree. The scalar backend works in double, so results agree
 * within about 1e-6 relative (the rounding of x - m to float costs |x - m| * 2^-24 in the exp's
 * argument), not bit for bit; the backward's dot product within a few roundings of sum |dy * y|.
 *
 * One block per row (grid-stride over rows, so any grid works; rows blocks, capped at 65535, is
 * a good grid). Any blockDim.x in [1, 1024]: 256 for long rows; for rows of a few dozen columns
 * a block of 32 wastes less. y may alias x, and dx may alias dy or y: each element is read and
 * written by the same thread, after the row's reductions.
 */
#include "block_reduce.cuh"

extern "C" __global__ void softmax_rows(const float* x, float* y, int rows, int cols, int log) {
    __shared__ float s[BLOCK_REDUCE_MAX_THREADS];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * cols;
        float* yr = y + (long long) r * cols;
        float m, sum;
        row_softmax_stats(xr, cols, s, m, sum);
        if (log) {
            float logSum = logf(sum);
            for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                yr[c] = (xr[c] - m) - logSum;
            }
        } else {
            for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                yr[c] = expf(xr[c] - m) / sum;
            }
        }
    }
}

extern "C" __global__ void softmax_backward_rows(const float* y, const float* dy, float* dx, int rows, int cols,
                                                 int log) {
    __shared__ float s[BLOCK_REDUCE_MAX_THREADS];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = (long long) r * cols;
        float dot = 0.0f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            dot = dot + (log ? dy[base + c] : dy[base + c] * y[base + c]);
        }
        dot = block_sum(dot, s);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float yi = y[base + c];
            float g = dy[base + c];
            dx[base + c] = log ? g - expf(yi) * dot : yi * (g - dot);
        }
    }
}
