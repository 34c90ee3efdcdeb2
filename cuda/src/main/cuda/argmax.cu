/*
 * Row-wise argmax; the device twin of ScalarBackend.argmax.
 *   x[rows, cols] -> out[rows] (int32)     out[r] = first c with x[r, c] maximal
 *
 * NaN semantics are ScalarBackend.argmax's exactly: its loop takes column 0, then a later column
 * only if strictly larger (v > best). So NaN never wins after column 0, and a NaN in column 0 is
 * never replaced: out = 0 when x[r, 0] is NaN, otherwise the first maximum among the non-NaN
 * columns. Ties (-0 == +0 included) go to the first index. cols == 0 gives 0.
 * (The CPU backend's Argmax instead counts NaN as largest and returns the first NaN, as
 * reduce_max does; the two agree on rows without NaN.) The result is an index: exact.
 *
 * One block per row (grid-stride over rows, any grid; rows blocks capped at 65535 is a good one);
 * any blockDim.x in [1, 1024], 32 being enough for short rows.
 */
#include "block_reduce.cuh"

extern "C" __global__ void argmax_rows(const float* x, int* out, int rows, int cols) {
    __shared__ float s[BLOCK_REDUCE_MAX_THREADS];
    __shared__ int si[BLOCK_REDUCE_MAX_THREADS];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * cols;
        // A thread that sees no column holds (NaN, INT_MAX): last in the order, so any column beats it.
        float best = __int_as_float(0x7fc00000);
        int at = 0x7fffffff;
        row_first_max<MaxFirstIgnoringNan>(xr, cols, best, at, s, si);
        if (threadIdx.x == 0) {
            float first = cols > 0 ? xr[0] : 0.0f;
            out[r] = (cols == 0 || first != first) ? 0 : at;
        }
    }
}
