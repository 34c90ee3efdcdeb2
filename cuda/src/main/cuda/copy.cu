/*
 * Strided copy with an optional float32 <-> int32 conversion; the device twin of
 * dev.gatun.backend.ScalarBackend.copy (Backend.copy: src into dst of the same shape, converting
 * when the dtypes differ), for 32-bit element types.
 *
 *   shape s0..s7 (dims from rank on are 1), src strides a0..a7, dst strides b0..b7 (elements;
 *   0 for a broadcast or unused dim)
 *   for i in [0, n), row-major position (i0, ..., i7) over the shape:
 *       dst[i0*b0 + ... + i7*b7] = convert(src[i0*a0 + ... + i7*a7])
 *   n = s0 * ... * s(rank-1)
 *
 * mode 0: the 32 bits unchanged (float32 -> float32 or int32 -> int32)
 * mode 1: float32 -> int32 as Java's (int) cast: toward zero, NaN -> 0, saturating at
 *         Integer.MIN_VALUE / MAX_VALUE (ScalarBackend reads a float as a double and casts that,
 *         which is the same for every float)
 * mode 2: int32 -> float32, rounded to nearest even as Java's (float) cast
 * All three are exact functions of the input, so the results match the CPU bit for bit.
 *
 * copy_strided_16 is the same walk for 16-bit elements (bfloat16, float16), bits unchanged: one
 * dtype on both sides, no mode (CastOps.cast converts halves, on contiguous arrays).
 *
 * The host folds the tensors' offsets into the pointers. Two positions must not write the same
 * dst element (dst strides describe a real, non-overlapping view), and src must not overlap dst
 * unless they are the same view. Grid-stride loop: any grid and block size. Positions are
 * unravelled with 32-bit division when n < 2^32 (shapes are Java ints, so every quotient fits),
 * which is several times cheaper than 64-bit division; strides stay 64-bit.
 */

__device__ __forceinline__ int java_float_to_int(float v) {
    if (v != v) {
        return 0;
    }
    if (v >= 2147483648.0f) {
        return 2147483647;
    }
    if (v <= -2147483648.0f) {
        return (int) 0x80000000u;
    }
    return (int) v; // truncates toward zero; in range here
}

template <typename Element, typename Index>
__device__ __forceinline__ void copy_loop(const Element* src, Element* dst, long long n, int rank, int mode,
                                          const long long* s, const long long* a, const long long* b) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        Index r = (Index) i;
        long long from = 0;
        long long to = 0;
#pragma unroll
        for (int k = 7; k >= 0; k--) {
            if (k < rank) {
                Index size = (Index) s[k];
                Index q = r / size;
                long long idx = (long long) (r - q * size);
                r = q;
                from += idx * a[k];
                to += idx * b[k];
            }
        }
        Element v = src[from];
        if (sizeof(Element) == 4 && mode == 1) {
            v = (Element) java_float_to_int(__uint_as_float((unsigned int) v));
        } else if (sizeof(Element) == 4 && mode == 2) {
            v = (Element) __float_as_uint((float) (int) v);
        }
        dst[to] = v;
    }
}

/* The 32- or 64-bit index loop over n elements of type Element (Index: see the file comment). */
template <typename Element>
__device__ __forceinline__ void copy_any(const void* src, void* dst, long long n, int rank, int mode,
                                         const long long* s, const long long* a, const long long* b) {
    const Element* in = (const Element*) src;
    Element* out = (Element*) dst;
    if (n <= 0xFFFFFFFFLL) {
        copy_loop<Element, unsigned int>(in, out, n, rank, mode, s, a, b);
    } else {
        copy_loop<Element, unsigned long long>(in, out, n, rank, mode, s, a, b);
    }
}

extern "C" __global__ void copy_strided(const void* src, void* dst, long long n, int rank, int mode, long long s0,
                                        long long s1, long long s2, long long s3, long long s4, long long s5,
                                        long long s6, long long s7, long long a0, long long a1, long long a2,
                                        long long a3, long long a4, long long a5, long long a6, long long a7,
                                        long long b0, long long b1, long long b2, long long b3, long long b4,
                                        long long b5, long long b6, long long b7) {
    // Fully unrolled indexing keeps these in registers.
    const long long s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    const long long a[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
    const long long b[8] = {b0, b1, b2, b3, b4, b5, b6, b7};
    copy_any<unsigned int>(src, dst, n, rank, mode, s, a, b);
}

extern "C" __global__ void copy_strided_16(const void* src, void* dst, long long n, int rank, long long s0,
                                           long long s1, long long s2, long long s3, long long s4, long long s5,
                                           long long s6, long long s7, long long a0, long long a1, long long a2,
                                           long long a3, long long a4, long long a5, long long a6, long long a7,
                                           long long b0, long long b1, long long b2, long long b3, long long b4,
                                           long long b5, long long b6, long long b7) {
    const long long s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    const long long a[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
    const long long b[8] = {b0, b1, b2, b3, b4, b5, b6, b7};
    copy_any<unsigned short>(src, dst, n, rank, 0, s, a, b);
}
