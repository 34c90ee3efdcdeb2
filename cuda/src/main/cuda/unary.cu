/*
 * Element-wise activations and their gradients, and clamp; the device twins of UnaryOp as the
 * backends apply it (dev.gatun.backend.ScalarBackend.unary / unaryBackward / clamp) and of the CPU
 * kernels Relu, Sigmoid, Tanh, Exp, Log and Clamp in dev.gatun.kernels.elementwise.
 *
 *   unary_forward:  x[n] -> y[n]              y  = f(x)
 *   unary_backward: x[n], y[n], dy[n] -> dx[n] dx = dy * f'(x, y)
 *   clamp:          x[n] -> y[n]              y  = min(max(x, lo), hi)
 *
 * op is dev.gatun.backend.UnaryOp.ordinal(): 0 RELU, 1 SIGMOID, 2 TANH, 3 EXP, 4 LOG.
 *   RELU     x > 0 ? x : 0, NaN stays NaN (as the CPU's Math.max and PyTorch; UnaryOp.apply
 *            would give 0: propagating keeps a diverged run visible)
 *   SIGMOID  x >= 0 ? 1 / (1 + e^-x) : e^x / (1 + e^x), UnaryOp's stable form: the exp argument
 *            is never positive, so nothing overflows and small outputs keep their precision
 *   TANH, EXP, LOG  tanhf, expf, logf (CUDA's accurate versions, not the __ intrinsics)
 *
 * Precision: forward is float32 math. expf and tanhf are within 2 ulp, logf within 1 ulp
 * (CUDA's documented bounds), sigmoid within about 3 ulp; the CPU kernels use their own float
 * approximations (VectorMath, within 3 ulp) and the scalar backend double precision, so forward
 * results agree with either within ~1e-6 relative, not bit for bit.
 *
 * backward is written exactly as the CPU kernels (same operations, same order, -fmad=false), so
 * it matches the CPU backend bit for bit:
 *   RELU     x > 0 ? dy : 0         a select, so NaN or inf dy where x <= 0 still gives 0 (Relu)
 *   SIGMOID  dy * y * (1 - y)       evaluated left to right, as Sigmoid.backward
 *   TANH     dy * (1 - y * y)       as Tanh.backward
 *   EXP      dy * y
 *   LOG      dy / x                 IEEE division (nvcc's default -prec-div)
 * Only the input the op needs is read: x for RELU and LOG, y for SIGMOID, TANH and EXP; the other
 * may be null (UnaryOp.backwardUsesOutput() says which).
 *
 * clamp follows Java's Math.max/Math.min exactly, NaN and signed zeros included (NaN stays NaN,
 * -0 < +0), so it matches both backends bit for bit; the host rounds lo and hi to float as
 * CpuBackend does, and checks lo <= hi.
 *
 * Outputs may alias inputs at the same offset: each element is read before it is written, by the
 * same thread. Grid-stride loops: any grid and block size.
 */

// Java's Math.max(float, float): NaN wins, and -0 counts as less than +0.
__device__ __forceinline__ float java_max(float a, float b) {
    if (a != a) {
        return a;
    }
    if (b != b) {
        return b;
    }
    if (a == 0.0f && b == 0.0f) {
        return signbit(a) ? b : a;
    }
    return a >= b ? a : b;
}

// Java's Math.min(float, float): NaN wins, and -0 counts as less than +0.
__device__ __forceinline__ float java_min(float a, float b) {
    if (a != a) {
        return a;
    }
    if (b != b) {
        return b;
    }
    if (a == 0.0f && b == 0.0f) {
        return signbit(b) ? b : a;
    }
    return a <= b ? a : b;
}

__device__ __forceinline__ float apply(int op, float x) {
    switch (op) {
        case 0:
            return java_max(x, 0.0f); // -0 -> +0, NaN -> NaN
        case 1:
            if (x >= 0.0f) {
                return 1.0f / (1.0f + expf(-x));
            } else {
                float e = expf(x);
                return e / (1.0f + e);
            }
        case 2:
            return tanhf(x);
        case 3:
            return expf(x);
        default:
            return logf(x);
    }
}

extern "C" __global__ void unary_forward(int op, const float* x, float* y, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        y[i] = apply(op, x[i]);
    }
}

extern "C" __global__ void unary_backward(int op, const float* x, const float* y, const float* dy, float* dx,
                                          long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        float g = dy[i];
        float d;
        switch (op) {
            case 0:
                d = x[i] > 0.0f ? g : 0.0f;
                break;
            case 1: {
                float yi = y[i];
                d = g * yi * (1.0f - yi);
                break;
            }
            case 2: {
                float yi = y[i];
                d = g * (1.0f - yi * yi);
                break;
            }
            case 3:
                d = g * y[i];
                break;
            default:
                d = g / x[i];
                break;
        }
        dx[i] = d;
    }
}

extern "C" __global__ void clamp(const float* x, float* y, long long n, float lo, float hi) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        y[i] = java_min(java_max(x[i], lo), hi);
    }
}
