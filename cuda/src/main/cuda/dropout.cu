/*
 * Inverted dropout (training mode); the device twin of dev.gatun.kernels.elementwise.Dropout.forward
 * (CpuBackend.dropout), drawing the same mask bit for bit from the same seed.
 *   x[n] -> mask[n], y[n]     mask[i] = keep(seed, i) ? scale : 0,   y[i] = x[i] * mask[i]
 * Backward is dx = dy * mask (binary_mul with the saved mask).
 *
 * The random bits are Dropout's counter-based hash of (seed, i), so neither the thread layout nor
 * the launch changes the mask. For element i:
 *   key  = SplitMix64(seed + ((i >>> 32) + 1) * 0x9E3779B97F4A7C15)   k1 = low, k2 = high 32 bits
 *   h    = mix32(mix32((int) i ^ k1) + k2)                            mix32: Wellons' lowbias32
 *   keep = (h >>> 8) >= threshold                                     top 24 bits vs the threshold
 * All in wrapping 32/64-bit unsigned arithmetic, which is Java's int/long arithmetic bit for bit.
 *
 * The host passes Dropout's per-call constants, computed from the float p (CpuBackend rounds the
 * double p to float first) exactly as Dropout does:
 *   threshold = (int) Math.ceil(p * 16777216.0)            in [0, 2^24]
 *   scale     = p >= 1 ? 0 : (float) (1.0 / (1.0 - p))      computed in double, then rounded
 * y = x * mask is one float product, as in Java: bit for bit. (ScalarBackend computes scale from
 * the double p; for most p that rounds to the same float, but the CPU backend is the twin.)
 *
 * mask or y may alias x at the same offset: x[i] is read first. Grid-stride loop: any grid and
 * block size. The SplitMix64 key is recomputed only when a thread's element crosses into a new
 * block of 2^32 elements, i.e. once per thread for any realistic n.
 */

__device__ __forceinline__ unsigned long long dropout_key(unsigned long long seed, unsigned long long block) {
    unsigned long long z = seed + (block + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ unsigned int mix32(unsigned int h) {
    h ^= h >> 16;
    h *= 0x7feb352dU;
    h ^= h >> 15;
    h *= 0x846ca68bU;
    return h ^ (h >> 16);
}

extern "C" __global__ void dropout(const float* x, float* mask, float* y, long long n, int threshold, float scale,
                                   long long seed) {
    unsigned long long keyBlock = ~0ULL; // no key yet
    unsigned int k1 = 0;
    unsigned int k2 = 0;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        unsigned long long block = (unsigned long long) i >> 32;
        if (block != keyBlock) {
            unsigned long long key = dropout_key((unsigned long long) seed, block);
            k1 = (unsigned int) key;
            k2 = (unsigned int) (key >> 32);
            keyBlock = block;
        }
        unsigned int h = mix32(mix32((unsigned int) i ^ k1) + k2);
        float m = (int) (h >> 8) >= threshold ? scale : 0.0f;
        float xi = x[i];
        mask[i] = m;
        y[i] = xi * m;
    }
}
