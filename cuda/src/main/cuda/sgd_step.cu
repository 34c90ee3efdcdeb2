/*
 * One SGD step (momentum, Nesterov, weight decay), in place; the device twin of
 * dev.gatun.kernels.optim.SgdStep.
 *   param[n], grad[n], buf[n] (momentum buffer; may be null when momentum == 0)
 *     -> param and buf updated; grad is only read.
 *
 *   g = grad + wd * p                                     (only when wd != 0)
 *   if momentum != 0:
 *       buf = firstStep ? g : momentum * buf + undamped * g       undamped = 1 - dampening
 *       g   = nesterov ? g + momentum * buf : buf
 *   (buf stored as +0 below the least normal float: subnormal.cuh)
 *   p = p - lr * g
 *
 * undamped is rounded to float on the host as SgdStep does. Compiled with -fmad=false, so each
 * product and sum rounds separately, as in Java: the two agree bit for bit.
 */
#include "subnormal.cuh"

extern "C" __global__ void sgd_step(float* param, const float* grad, float* buf, long long n, float lr,
                                    float momentum, float undamped, float wd, int nesterov, int firstStep) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        float p = param[i];
        float g = grad[i];
        if (wd != 0.0f) {
            g = g + wd * p;
        }
        if (momentum != 0.0f) {
            float b = flush_subnormal(firstStep ? g : momentum * buf[i] + undamped * g);
            buf[i] = b;
            g = nesterov ? g + momentum * b : b;
        }
        param[i] = p - lr * g;
    }
}
