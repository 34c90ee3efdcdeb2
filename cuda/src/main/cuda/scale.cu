/*
 * Scaled accumulation and fill; the device twins of dev.gatun.kernels.elementwise.Scale.
 *   axpby: x[n], y[n] -> y[n]     y = alpha * x + beta * y
 *   fill:  y[n]                   y = value
 *
 * beta == 0 means "overwrite": y is not read at all, so NaN in a fresh buffer cannot leak through
 * 0 * NaN. With -fmad=false the products and the sum round separately, as in Java: bit for bit.
 */
extern "C" __global__ void axpby(float alpha, const float* x, float beta, float* y, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        float ax = alpha * x[i];
        y[i] = beta == 0.0f ? ax : ax + beta * y[i];
    }
}

extern "C" __global__ void fill(float* y, long long n, float value) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        y[i] = value;
    }
}
