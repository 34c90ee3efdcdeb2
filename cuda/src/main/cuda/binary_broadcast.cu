/*
 * Element-wise add / sub / mul / div with NumPy broadcasting over up to 4 dimensions; the device
 * counterpart of dev.gatun.kernels.elementwise.Binary (which broadcasts only a scalar).
 *   a (strides as0..as3), b (strides bs0..bs3) -> out[d0, d1, d2, d3] contiguous
 *   out[i0, i1, i2, i3] = a[i0*as0 + i1*as1 + i2*as2 + i3*as3] op b[i0*bs0 + ... + i3*bs3]
 *
 * Strides are in elements; a broadcast dimension has stride 0, and fewer than 4 dimensions are
 * padded in front with size 1. The host folds tensor offsets into the a and b pointers. IEEE add,
 * sub, mul and div (nvcc's default -prec-div) round exactly as in Java, so results match the CPU
 * bit for bit. out may alias a or b only where that operand is not broadcast.
 */
template <typename Op>
__device__ void broadcast(const float* a, const float* b, float* out, long long d0, long long d1, long long d2,
                          long long d3, long long as0, long long as1, long long as2, long long as3, long long bs0,
                          long long bs1, long long bs2, long long bs3, Op op) {
    long long n = d0 * d1 * d2 * d3;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        long long r = i;
        long long i3 = r % d3;
        r /= d3;
        long long i2 = r % d2;
        r /= d2;
        long long i1 = r % d1;
        long long i0 = r / d1;
        float x = a[i0 * as0 + i1 * as1 + i2 * as2 + i3 * as3];
        float y = b[i0 * bs0 + i1 * bs1 + i2 * bs2 + i3 * bs3];
        out[i] = op(x, y);
    }
}

struct Add { __device__ float operator()(float x, float y) const { return x + y; } };
struct Sub { __device__ float operator()(float x, float y) const { return x - y; } };
struct Mul { __device__ float operator()(float x, float y) const { return x * y; } };
struct Div { __device__ float operator()(float x, float y) const { return x / y; } };

extern "C" __global__ void binary_add(const float* a, const float* b, float* out, long long d0, long long d1,
                                      long long d2, long long d3, long long as0, long long as1, long long as2,
                                      long long as3, long long bs0, long long bs1, long long bs2, long long bs3) {
    broadcast(a, b, out, d0, d1, d2, d3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, Add());
}

extern "C" __global__ void binary_sub(const float* a, const float* b, float* out, long long d0, long long d1,
                                      long long d2, long long d3, long long as0, long long as1, long long as2,
                                      long long as3, long long bs0, long long bs1, long long bs2, long long bs3) {
    broadcast(a, b, out, d0, d1, d2, d3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, Sub());
}

extern "C" __global__ void binary_mul(const float* a, const float* b, float* out, long long d0, long long d1,
                                      long long d2, long long d3, long long as0, long long as1, long long as2,
                                      long long as3, long long bs0, long long bs1, long long bs2, long long bs3) {
    broadcast(a, b, out, d0, d1, d2, d3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, Mul());
}

extern "C" __global__ void binary_div(const float* a, const float* b, float* out, long long d0, long long d1,
                                      long long d2, long long d3, long long as0, long long as1, long long as2,
                                      long long as3, long long bs0, long long bs1, long long bs2, long long bs3) {
    broadcast(a, b, out, d0, d1, d2, d3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, Div());
}
