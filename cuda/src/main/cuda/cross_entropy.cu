/*
 * Fused softmax + cross-entropy forward; the device twin of ScalarBackend.crossEntropy (and of
 * CrossEntropy.forward in dev.gatun.kernels.reduce). The backward is cross_entropy_backward.cu.
 *   logits[rows, cols], labels[rows] (int32) -> probs[rows, cols], rowLoss[rows]
 *       m = max_c logits[r, c],  s = sum_c exp(logits[r, c] - m)
 *       probs[r, c] = exp(logits[r, c] - m) / s
 *       rowLoss[r]  = (m - logits[r, label]) + log(s)      = -log softmax(logits[r])[label]
 * The host sums rowLoss (in double, in row order, as the CPU kernels do) for the loss.
 *
 * The loss comes from log-sum-exp, not from log(probs[label]): a rounded probability can be 0
 * (loss +inf) where the true loss is large but finite. Both terms are >= 0, so adding them loses
 * nothing to cancellation. A row with a NaN, or whose maximum is +-inf, gives NaN probabilities
 * and loss, as in the scalar backend.
 *
 * Labels: a kernel cannot throw, so a label outside [0, cols) sets rowLoss[r] = NaN and does
 * atomicMax(badRow, r); the host fills *badRow with -1 before the launch and, if it is >= 0
 * afterwards, reports that row (the LAST bad row; the CPU backends report the first) as
 * CrossEntropyShapes.label does. badRow may be null to skip the report. probs are written for
 * every row either way.
 *
 * Precision: float32 (expf, logf, IEEE division; sums as in softmax.cu), so probabilities agree
 * with the scalar backend's double computation within about 1e-6 relative and each row's loss
 * within a few float roundings of its size. One block per row (grid-stride over rows, any grid;
 * rows blocks capped at 65535 is a good one); any blockDim.x in [1, 1024]. probs may alias logits:
 * the label's logit is read before the row is written, and each element is read and written by
 * the same thread.
 */
#include "block_reduce.cuh"

extern "C" __global__ void cross_entropy_forward(const float* logits, const int* labels, float* probs,
                                                 float* rowLoss, int* badRow, int rows, int cols) {
    __shared__ float s[BLOCK_REDUCE_MAX_THREADS];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = logits + (long long) r * cols;
        float* pr = probs + (long long) r * cols;
        int label = labels[r];
        bool bad = label < 0 || label >= cols;
        // Read before any thread of the block writes the row (row_softmax_stats synchronises).
        float target = bad ? 0.0f : xr[label];
        float m, sum;
        row_softmax_stats(xr, cols, s, m, sum);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            pr[c] = expf(xr[c] - m) / sum;
        }
        if (threadIdx.x == 0) {
            if (bad) {
                rowLoss[r] = __int_as_float(0x7fc00000);
                if (badRow != 0) {
                    atomicMax(badRow, r);
                }
            } else {
                rowLoss[r] = (m - target) + logf(sum);
            }
        }
    }
}
