/*
 * One RMSprop step, in place; the device twin of dev.gatun.kernels.optim.RmspropStep.
 *   param[n], grad[n], sq[n] (square average), buf[n] (momentum buffer, null when momentum == 0),
 *   gavg[n] (gradient average, null unless centered) -> param, sq, buf, gavg updated.
 *
 *   g    = grad + wd * p                                (only when wd != 0)
 *   sq   = alpha * sq + oneMinusAlpha * g * g
 *   centered:  gavg = alpha * gavg + oneMinusAlpha * g
 *              avg  = sqrt(sq - gavg * gavg) + eps
 *   otherwise: avg  = sqrt(sq) + eps
 *   momentum:  buf = momentum * buf + g / avg;  p = p - lr * buf
 *   otherwise: p = p - lr * (g / avg)
 *   (sq, gavg, buf and gavg * gavg are +0 below the least normal float: subnormal.cuh)
 *
 * oneMinusAlpha is rounded to float on the host as RmspropStep does; with -fmad=false and IEEE
 * sqrt/division the two agree bit for bit.
 */
#include "subnormal.cuh"

extern "C" __global__ void rmsprop_step(float* param, const float* grad, float* sq, float* buf, float* gavg,
                                        long long n, float lr, float alpha, float oneMinusAlpha, float eps,
                                        float wd, float momentum, int centered) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        float p = param[i];
        float g = grad[i];
        if (wd != 0.0f) {
            g = g + wd * p;
        }
        float s = flush_subnormal(alpha * sq[i] + oneMinusAlpha * g * g);
        sq[i] = s;
        float avg;
        if (centered) {
            float ga = flush_subnormal(alpha * gavg[i] + oneMinusAlpha * g);
            gavg[i] = ga;
            avg = sqrtf(s - flush_subnormal(ga * ga)) + eps;
        } else {
            avg = sqrtf(s) + eps;
        }
        if (momentum != 0.0f) {
            float b = flush_subnormal(momentum * buf[i] + g / avg);
            buf[i] = b;
            param[i] = p - lr * b;
        } else {
            param[i] = p - lr * (g / avg);
        }
    }
}
