/*
 * Block-wide reductions shared by the row kernels (reduce.cu, softmax.cu, cross_entropy.cu,
 * argmax.cu), and the row scans built on them that more than one kernel runs; included, not
 * compiled on its own (make ptx compiles only *.cu).
 *
 * They work for any blockDim.x in [1, 1024]: a halving tree over shared memory pairs slot t with
 * t + ceil(width / 2), so a block size that is not a power of two needs no padding. Every thread of
 * the block must call them, with a shared array of at least blockDim.x elements; every thread gets
 * the result, and the array is free for reuse when they return. The tree's shape depends only on
 * blockDim.x, so results are deterministic for a given launch.
 */
#pragma once

#define BLOCK_REDUCE_MAX_THREADS 1024

// Java's Math.max for float: NaN wins (-0 vs +0 is not distinguished; no caller needs it).
__device__ __forceinline__ float nan_max(float a, float b) {
    return (a != a || a > b) ? a : b;
}

// The sum of v over the block.
__device__ __forceinline__ float block_sum(float v, float* s) {
    int t = threadIdx.x;
    s[t] = v;
    __syncthreads();
    for (int width = blockDim.x; width > 1;) {
        int half = (width + 1) >> 1;
        if (t < width - half) {
            s[t] = s[t] + s[t + half];
        }
        __syncthreads();
        width = half;
    }
    float total = s[0];
    __syncthreads();
    return total;
}

// The maximum of v over the block, NaN if any v is NaN.
__device__ __forceinline__ float block_max(float v, float* s) {
    int t = threadIdx.x;
    s[t] = v;
    __syncthreads();
    for (int width = blockDim.x; width > 1;) {
        int half = (width + 1) >> 1;
        if (t < width - half) {
            s[t] = nan_max(s[t], s[t + half]);
        }
        __syncthreads();
        width = half;
    }
    float best = s[0];
    __syncthreads();
    return best;
}

/*
 * Orders for "index of the first maximum": Order::before(v, i, best, bi) says whether (v, i) comes
 * before (best, bi). Both are strict total orders on (value, index) pairs, so a tree may combine
 * partial results in any order and still find the first maximum. Equal values (-0 == +0
 * included) go to the smaller index.
 *
 * MaxFirst:           NaN is larger than everything, so the first NaN wins (ScalarBackend.reduce
 *                     MAX, AxisMax, PyTorch's max).
 * MaxFirstIgnoringNan: NaN is smaller than everything (ScalarBackend.argmax skips NaN; its one
 *                     exception, a NaN in column 0, is handled by argmax_rows).
 */
struct MaxFirst {
    __device__ __forceinline__ static bool before(float v, int i, float best, int bi) {
        bool vn = v != v;
        bool bn = best != best;
        if (vn || bn) {
            return vn && (!bn || i < bi);
        }
        return v > best || (v == best && i < bi);
    }
};

struct MaxFirstIgnoringNan {
    __device__ __forceinline__ static bool before(float v, int i, float best, int bi) {
        bool vn = v != v;
        bool bn = best != best;
        if (vn || bn) {
            return bn && (!vn || i < bi);
        }
        return v > best || (v == best && i < bi);
    }
};

// The first maximum over the block of the pairs (v, i) under Order; every thread gets it.
template <typename Order>
__device__ __forceinline__ void block_first_max(float& v, int& i, float* s, int* si) {
    int t = threadIdx.x;
    s[t] = v;
    si[t] = i;
    __syncthreads();
    for (int width = blockDim.x; width > 1;) {
        int half = (width + 1) >> 1;
        if (t < width - half && Order::before(s[t + half], si[t + half], s[t], si[t])) {
            s[t] = s[t + half];
            si[t] = si[t + half];
        }
        __syncthreads();
        width = half;
    }
    v = s[0];
    i = si[0];
    __syncthreads();
}

// The first maximum under Order of row[0, n) over the block: each thread scans its stride of the
// row from (v, i), which come in as the value and index of "no element", then the block combines
// the threads' results, which every thread gets back in (v, i).
template <typename Order>
__device__ __forceinline__ void row_first_max(const float* row, int n, float& v, int& i, float* s, int* si) {
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        float x = row[k];
        if (Order::before(x, k, v, i)) {
            v = x;
            i = k;
        }
    }
    block_first_max<Order>(v, i, s, si);
}

// What softmax over row[0, n) needs, for every thread of the block: m = the row's maximum (NaN if
// any element is) and sum = the sum of expf(row[c] - m), in a per-thread run then a block tree.
__device__ __forceinline__ void row_softmax_stats(const float* row, int n, float* s, float& m, float& sum) {
    m = -INFINITY;
    for (int c = threadIdx.x; c < n; c += blockDim.x) {
        m = nan_max(m, row[c]);
    }
    m = block_max(m, s);
    sum = 0.0f;
    for (int c = threadIdx.x; c < n; c += blockDim.x) {
        sum = sum + expf(row[c] - m);
    }
    sum = block_sum(sum, s);
}
