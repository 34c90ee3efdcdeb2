/*
 * Element-wise activations and their gradients, and clamp; the device twins of UnaryOp as the
 * backends apply it (dev.gatun.backend.ScalarBackend.unary / unaryBackward / clamp) and of the CPU
 * kernels in dev.gatun.kernels.elementwise (Relu, Sigmoid, Tanh, Exp, Log, Gelu, GeluTanh,
 * LeakyRelu, Elu, Silu, Softplus, Clamp).
 *
 *   unary_forward:  x[n] -> y[n]              y  = f(x; p)
 *   unary_backward: x[n], y[n], dy[n] -> dx[n] dx = dy * f'(x, y; p)
 *   clamp:          x[n] -> y[n]              y  = min(max(x, lo), hi)
 *
 * op is dev.gatun.backend.UnaryOp.code(), one of the UNARY_* codes below (UnaryOpCodesTest
 * checks them against the enum and the committed PTX); an unknown code traps, so a host that
 * passes one fails its launch instead of computing the wrong function. p is the op's parameter
 * (LEAKY_RELU's slope, ELU's alpha) and is ignored by the others.
 *   RELU        x > 0 ? x : 0, NaN stays NaN (as the CPU's Math.max and PyTorch; UnaryOp.apply
 *               would give 0: propagating keeps a diverged run visible)
 *   SIGMOID     x >= 0 ? 1 / (1 + e^-x) : e^x / (1 + e^x), UnaryOp's stable form: the exp argument
 *               is never positive, so nothing overflows and small outputs keep their precision
 *   TANH, EXP, LOG  tanhf, expf, logf (CUDA's accurate versions, not the __ intrinsics)
 *   GELU        x/2 * erfc(-x/sqrt2) (erfcf; PyTorch's exact GELU without its cancellation)
 *   GELU_TANH   x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))), PyTorch's operation order
 *   LEAKY_RELU  x > 0 ? x : x * p
 *   ELU         x > 0 ? x : expm1(x) * p
 *   SILU        x * sigmoid(x)
 *   SOFTPLUS    x > 20 ? x : max(x, 0) + log1p(e^-|x|)
 *
 * Precision: forward is float32 math. expf and tanhf are within 2 ulp, logf within 1 ulp, erfcf
 * within 4, expm1f and log1pf within 1 (CUDA's documented bounds), the compositions within a few
 * ulp more; the CPU kernels use their own float approximations (VectorMath, within 3 ulp) and the
 * scalar backend double precision, so forward results agree with either within ~1e-6 relative,
 * not bit for bit.
 *
 * backward for RELU, SIGMOID, TANH, EXP, LOG and LEAKY_RELU is written exactly as the CPU kernels
 * (same operations, same order, -fmad=false), so it matches the CPU backend bit for bit:
 *   RELU        x > 0 ? dy : 0         a select, so NaN or inf dy where x <= 0 still gives 0 (Relu)
 *   SIGMOID     dy * y * (1 - y)       evaluated left to right, as Sigmoid.backward
 *   TANH        dy * (1 - y * y)       as Tanh.backward
 *   EXP         dy * y
 *   LOG         dy / x                 IEEE division (nvcc's default -prec-div)
 *   LEAKY_RELU  x > 0 ? dy : dy * p
 * The others follow their CPU kernels' formulas with CUDA's transcendentals, within a few ulp:
 *   GELU        dy * (Phi(x) + x * phi(x)),  Phi(x) = erfc(-x/sqrt2)/2, phi(x) = e^(-x^2/2)/sqrt(2 pi)
 *   GELU_TANH   dy * (1/2 (1 + t) + x/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)), t as forward
 *   ELU         x > 0 ? dy : dy * (e^x * p)
 *   SILU        dy * s * (1 + x * (1 - s)), s = sigmoid(x)
 *   SOFTPLUS    x > 20 ? dy : dy * sigmoid(x)
 * Only the input the op needs is read: y for SIGMOID, TANH and EXP, x for the others; the other
 * may be null (UnaryOp.backwardUsesOutput() says which).
 *
 * clamp follows Java's Math.max/Math.min exactly, NaN and signed zeros included (NaN stays NaN,
 * -0 < +0), so it matches both backends bit for bit; the host rounds lo and hi to float as
 * CpuBackend does, and checks lo <= hi.
 *
 * Outputs may alias inputs at the same offset: each element is read before it is written, by the
 * same thread. Grid-stride loops: any grid and block size.
 */

// dev.gatun.backend.UnaryOp codes.
#define UNARY_RELU 0
#define UNARY_SIGMOID 1
#define UNARY_TANH 2
#define UNARY_EXP 3
#define UNARY_LOG 4
#define UNARY_GELU 5
#define UNARY_GELU_TANH 6
#define UNARY_LEAKY_RELU 7
#define UNARY_ELU 8
#define UNARY_SILU 9
#define UNARY_SOFTPLUS 10

#define SQRT1_2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f
#define SQRT_2_OVER_PI 0.79788456080286536f
#define GELU_KAPPA 0.044715f
#define SOFTPLUS_THRESHOLD 20.0f

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

// The logistic function, UnaryOp's stable form.
__device__ __forceinline__ float sigmoid(float x) {
    if (x >= 0.0f) {
        return 1.0f / (1.0f + expf(-x));
    }
    float e = expf(x);
    return e / (1.0f + e);
}

// tanh(sqrt(2/pi) * (x + 0.044715 x^3)), the inner function of GELU_TANH.
__device__ __forceinline__ float gelu_tanh_inner(float x) {
    return tanhf(SQRT_2_OVER_PI * (x + GELU_KAPPA * (x * x * x)));
}

__device__ __forceinline__ float apply(int op, float p, float x) {
    switch (op) {
        case UNARY_RELU:
            return java_max(x, 0.0f); // -0 -> +0, NaN -> NaN
        case UNARY_SIGMOID:
            return sigmoid(x);
        case UNARY_TANH:
            return tanhf(x);
        case UNARY_EXP:
            return expf(x);
        case UNARY_LOG:
            return logf(x);
        case UNARY_GELU:
            return 0.5f * x * erfcf(-x * SQRT1_2);
        case UNARY_GELU_TANH:
            return 0.5f * x * (1.0f + gelu_tanh_inner(x));
        case UNARY_LEAKY_RELU:
            return x > 0.0f ? x : x * p;
        case UNARY_ELU:
            return x > 0.0f ? x : expm1f(x) * p;
        case UNARY_SILU:
            return x * sigmoid(x);
        case UNARY_SOFTPLUS:
            return x > SOFTPLUS_THRESHOLD ? x : fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
        default:
            __trap();
            return 0.0f; // not reached: the trap ends the kernel
    }
}

// dy * f'(x, y); reads only the input the op needs.
__device__ __forceinline__ float gradient(int op, float p, const float* x, const float* y, long long i, float g) {
    switch (op) {
        case UNARY_RELU:
            return x[i] > 0.0f ? g : 0.0f;
        case UNARY_SIGMOID: {
            float yi = y[i];
            return g * yi * (1.0f - yi);
        }
        case UNARY_TANH: {
            float yi = y[i];
            return g * (1.0f - yi * yi);
        }
        case UNARY_EXP:
            return g * y[i];
        case UNARY_LOG:
            return g / x[i];
        case UNARY_GELU: {
            float xi = x[i];
            float cdf = 0.5f * erfcf(-xi * SQRT1_2);
            float pdf = expf(-0.5f * xi * xi) * INV_SQRT_2PI;
            return g * (cdf + xi * pdf);
        }
        case UNARY_GELU_TANH: {
            float xi = x[i];
            float t = gelu_tanh_inner(xi);
            float left = 0.5f * xi;
            float left_derivative = 0.5f * (1.0f + t);
            float tanh_derivative = 1.0f - t * t;
            float inner_derivative = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_KAPPA * (xi * xi));
            return g * (left_derivative + left * tanh_derivative * inner_derivative);
        }
        case UNARY_LEAKY_RELU:
            return x[i] > 0.0f ? g : g * p;
        case UNARY_ELU: {
            float xi = x[i];
            return xi > 0.0f ? g : g * (expf(xi) * p);
        }
        case UNARY_SILU: {
            float xi = x[i];
            float s = sigmoid(xi);
            return g * s * (1.0f + xi * (1.0f - s));
        }
        case UNARY_SOFTPLUS: {
            float xi = x[i];
            return xi > SOFTPLUS_THRESHOLD ? g : g * sigmoid(xi);
        }
        default:
            __trap();
            return 0.0f; // not reached: the trap ends the kernel
    }
}

extern "C" __global__ void unary_forward(int op, float p, const float* x, float* y, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        y[i] = apply(op, p, x[i]);
    }
}

extern "C" __global__ void unary_backward(int op, float p, const float* x, const float* y, const float* dy,
                                          float* dx, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        dx[i] = gradient(op, p, x, y, i, dy[i]);
    }
}

extern "C" __global__ void clamp(const float* x, float* y, long long n, float lo, float hi) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        y[i] = java_min(java_max(x[i], lo), hi);
    }
}
