/*
 * Sum and max over the middle axis; the device twins of ScalarBackend.reduce (and of AxisSum and
 * AxisMax in dev.gatun.kernels.reduce).
 *   x[outer, axis, inner] contiguous -> y[outer, inner]
 *   reduce_sum: y[o, i] = sum over k of x[o, k, i]
 *   reduce_max: y[o, i] = x[o, arg, i] with arg the FIRST k where x[o, k, i] is maximal; if arg is
 *               not null, arg[o, i] (int32) receives it.
 *
 * Max semantics are ScalarBackend.reduce MAX's exactly (= AxisMax's): NaN counts as larger than
 * everything, so any NaN gives y = NaN and arg = the first NaN; ties (-0 vs +0 included) go to the
 * first index and y is that element, sign of zero included. Selection is exact: bit for bit.
 * axis == 0 gives y = 0 (sum) or y = -inf, arg = 0 (max), as ScalarBackend does.
 *
 * Sums accumulate in float, in a fixed order for a given launch (deterministic run to run), and
 * agree with the scalar backend's double sums within a few float roundings of sum |x|. When
 * axis <= SMALL_AXIS each output is summed in order k = 0, 1, ... by one thread: AxisSum's order for
 * inner > 1, so those match the CPU backend bit for bit.
 *
 * Three layouts, picked from (axis, inner) alone, so the whole grid takes the same one:
 *   axis <= SMALL_AXIS      one thread per output walks the axis (grid-stride over outputs)
 *   inner == 1              one block per row: threads stride the row, then a block tree
 *   otherwise               one block per tile of up to 32 adjacent outputs (coalesced reads):
 *                           blockDim / 32 thread rows split the axis, then a tree over the rows
 * Launch: any blockDim.x in [1, 1024] (256 is a good choice) and any grid; a good grid is
 * min(outer * ceil(inner / 32), 65535) blocks, which also covers the one-thread-per-output layout.
 * A single long row (outer == 1, inner == 1) is reduced by one block: fine up to a few million
 * elements; for more, reduce a [1, m, k] view first (the tile layout) and then its k sums.
 */
#include "block_reduce.cuh"

#define SMALL_AXIS 32
#define TILE 32

// Output j's column x[o, 0.., i] (o = j / inner, i = j % inner) in the one-thread-per-output layout:
// its element k is at col[k * inner].
__device__ __forceinline__ const float* output_column(const float* x, long long j, int axis, long long inner) {
    long long o = j / inner;
    return x + o * axis * inner + (j - o * inner);
}

// ---- sum ----

extern "C" __global__ void reduce_sum(const float* x, float* y, long long outer, int axis, long long inner) {
    __shared__ float s[BLOCK_REDUCE_MAX_THREADS];
    if (axis <= SMALL_AXIS) {
        long long outputs = outer * inner;
        for (long long j = blockIdx.x * (long long) blockDim.x + threadIdx.x; j < outputs;
             j += (long long) blockDim.x * gridDim.x) {
            const float* col = output_column(x, j, axis, inner);
            float acc = 0.0f;
            for (int k = 0; k < axis; k++) {
                acc = acc + col[k * inner];
            }
            y[j] = acc;
        }
    } else if (inner == 1) {
        for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
            const float* row = x + o * axis;
            float acc = 0.0f;
            for (int k = threadIdx.x; k < axis; k += blockDim.x) {
                acc = acc + row[k];
            }
            float total = block_sum(acc, s);
            if (threadIdx.x == 0) {
                y[o] = total;
            }
        }
    } else {
        int lanes = blockDim.x < TILE ? blockDim.x : TILE;
        int rows = blockDim.x / lanes; // thread rows; threads past rows * lanes only keep in step
        int lane = threadIdx.x % lanes;
        int row = threadIdx.x / lanes;
        long long perOuter = (inner + lanes - 1) / lanes;
        for (long long tile = blockIdx.x; tile < outer * perOuter; tile += gridDim.x) {
            long long o = tile / perOuter;
            long long i = (tile - o * perOuter) * lanes + lane;
            float acc = 0.0f;
            if (row < rows && i < inner) {
                const float* col = x + o * axis * inner + i;
                for (int k = row; k < axis; k += rows) {
                    acc = acc + col[k * inner];
                }
            }
            s[threadIdx.x] = acc;
            __syncthreads();
            for (int width = rows; width > 1;) {
                int half = (width + 1) >> 1;
                if (row < width - half) {
                    s[threadIdx.x] = s[threadIdx.x] + s[threadIdx.x + half * lanes];
                }
                __syncthreads();
                width = half;
            }
            if (row == 0 && i < inner) {
                y[o * inner + i] = s[lane];
            }
            __syncthreads();
        }
    }
}

// ---- max with the index of the first maximum ----

extern "C" __global__ void reduce_max(const float* x, float* y, int* arg, long long outer, int axis,
                                      long long inner) {
    __shared__ float s[BLOCK_REDUCE_MAX_THREADS];
    __shared__ int si[BLOCK_REDUCE_MAX_THREADS];
    // A thread that sees no element holds this; any real element comes before it.
    const float noValue = -INFINITY;
    const int noIndex = 0x7fffffff;
    if (axis <= SMALL_AXIS) {
        long long outputs = outer * inner;
        for (long long j = blockIdx.x * (long long) blockDim.x + threadIdx.x; j < outputs;
             j += (long long) blockDim.x * gridDim.x) {
            const float* col = output_column(x, j, axis, inner);
            // AxisMax.runScalar's scan: a later element wins only if larger, or the first NaN.
            float best = axis > 0 ? col[0] : noValue;
            int at = 0;
            for (int k = 1; k < axis; k++) {
                float v = col[k * inner];
                if (best == best && !(v <= best)) {
                    best = v;
                    at = k;
                }
            }
            y[j] = best;
            if (arg != 0) {
                arg[j] = at;
            }
        }
    } else if (inner == 1) {
        for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
            const float* row = x + o * axis;
            float best = noValue;
            int at = noIndex;
            row_first_max<MaxFirst>(row, axis, best, at, s, si);
            if (threadIdx.x == 0) {
                y[o] = best;
                if (arg != 0) {
                    arg[o] = at;
                }
            }
        }
    } else {
        int lanes = blockDim.x < TILE ? blockDim.x : TILE;
        int rows = blockDim.x / lanes;
        int lane = threadIdx.x % lanes;
        int row = threadIdx.x / lanes;
        long long perOuter = (inner + lanes - 1) / lanes;
        for (long long tile = blockIdx.x; tile < outer * perOuter; tile += gridDim.x) {
            long long o = tile / perOuter;
            long long i = (tile - o * perOuter) * lanes + lane;
            float best = noValue;
            int at = noIndex;
            if (row < rows && i < inner) {
                const float* col = x + o * axis * inner + i;
                for (int k = row; k < axis; k += rows) {
                    float v = col[k * inner];
                    if (MaxFirst::before(v, k, best, at)) {
                        best = v;
                        at = k;
                    }
                }
            }
            s[threadIdx.x] = best;
            si[threadIdx.x] = at;
            __syncthreads();
            for (int width = rows; width > 1;) {
                int half = (width + 1) >> 1;
                int other = threadIdx.x + half * lanes;
                if (row < width - half && MaxFirst::before(s[other], si[other], s[threadIdx.x], si[threadIdx.x])) {
                    s[threadIdx.x] = s[other];
                    si[threadIdx.x] = si[other];
                }
                __syncthreads();
                width = half;
            }
            if (row == 0 && i < inner) {
                y[o * inner + i] = s[lane];
                if (arg != 0) {
                    arg[o * inner + i] = si[lane];
                }
            }
            __syncthreads();
        }
    }
}
