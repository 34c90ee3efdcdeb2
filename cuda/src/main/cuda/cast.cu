/*
 * Conversion between float32, bfloat16 and float16: the device twin of CastOps.cast on contiguous
 * arrays (dev.gatun.kernels.half.HalfConversion on the CPU, HalfBits element by element).
 *
 *   for i in [0, n): dst[i] = convert(src[i])
 *
 * Dtype codes (CudaBackend.castCode; explicit, never ordinals): 0 float32, 1 bfloat16, 2 float16.
 * Narrowing rounds to nearest, ties to even (the cuda_bf16.h / cuda_fp16.h _rn intrinsics: one cvt
 * instruction each); widening is exact. Between the two halves the value goes through float32,
 * exactly as the CPU converts. NaNs are handled here rather than by the intrinsics, which return
 * one canonical NaN: a NaN keeps its sign and top payload bits with the quiet bit set, the bits
 * HalfBits gives, so the device matches the CPU bit for bit for every input.
 *
 * The host folds the tensors' offsets into the pointers. src and dst must not overlap. Grid-stride
 * loop: any grid and block size.
 */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#define CAST_FLOAT32 0
#define CAST_BFLOAT16 1
#define CAST_FLOAT16 2

__device__ __forceinline__ float load_as_float(const void* src, long long i, int type) {
    if (type == CAST_FLOAT32) {
        return ((const float*) src)[i];
    }
    unsigned short h = ((const unsigned short*) src)[i];
    if (type == CAST_BFLOAT16) {
        return __uint_as_float(((unsigned int) h) << 16);
    }
    if ((h & 0x7fffu) > 0x7c00u) {
        return __uint_as_float(((h & 0x8000u) << 16) | 0x7fc00000u | ((h & 0x03ffu) << 13));
    }
    return __half2float(__ushort_as_half(h));
}

__device__ __forceinline__ void store_from_float(void* dst, long long i, int type, float v) {
    if (type == CAST_FLOAT32) {
        ((float*) dst)[i] = v;
        return;
    }
    unsigned int bits = __float_as_uint(v);
    bool nan = (bits & 0x7fffffffu) > 0x7f800000u;
    unsigned short h;
    if (type == CAST_BFLOAT16) {
        h = nan ? (unsigned short) ((bits >> 16) | 0x0040u) : __bfloat16_as_ushort(__float2bfloat16_rn(v));
    } else {
        h = nan ? (unsigned short) (((bits >> 16) & 0x8000u) | 0x7e00u | ((bits >> 13) & 0x03ffu))
                : __half_as_ushort(__float2half_rn(v));
    }
    ((unsigned short*) dst)[i] = h;
}

extern "C" __global__ void cast(const void* src, int srcType, void* dst, int dstType, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        store_from_float(dst, i, dstType, load_as_float(src, i, srcType));
    }
}
