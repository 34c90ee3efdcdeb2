/*
 * One Adam / AdamW step, in place; the device twin of dev.gatun.kernels.optim.AdamStep.
 *   param[n], grad[n], m[n], v[n] -> param, m, v updated; grad is only read.
 *
 *   l2:    g = grad + wd * p            (Adam with weight decay)
 *   decay: p = p * shrink               (AdamW, shrink = 1 - lr * wd)
 *   m = b1 * m + oneMinusB1 * g
 *   v = b2 * v + oneMinusB2 * g * g
 *   (m and v stored as +0 below the least normal float: subnormal.cuh)
 *   p = p - stepSize * m / (sqrt(v) / sqrtBc2 + eps)    stepSize = lr / (1 - b1^step), sqrtBc2 = sqrt(1 - b2^step)
 *
 * The per-call constants come from the host, computed in double and rounded to float exactly as
 * AdamStep does, so that the two agree bit for bit: compiled with -fmad=false (no contraction into
 * fused multiply-adds) and IEEE sqrt/division (nvcc's default -prec-sqrt/-prec-div), every
 * operation here rounds as Java's float arithmetic does.
 */
#include "subnormal.cuh"

__device__ void adam_update(float* param, const float* grad, float* m, float* v, long long n,
                            float b1, float b2, float oneMinusB1, float oneMinusB2, float eps,
                            float wd, int l2, int decay, float shrink, float stepSize, float sqrtBc2) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        float p = param[i];
        float g = grad[i];
        if (l2) {
            g = g + wd * p;
        }
        if (decay) {
            p = p * shrink;
        }
        float mi = flush_subnormal(b1 * m[i] + oneMinusB1 * g);
        float vi = flush_subnormal(b2 * v[i] + oneMinusB2 * g * g);
        float denom = sqrtf(vi) / sqrtBc2 + eps;
        m[i] = mi;
        v[i] = vi;
        param[i] = p - stepSize * mi / denom;
    }
}

extern "C" __global__ void adam_step(float* param, const float* grad, float* m, float* v, long long n,
                                     float b1, float b2, float oneMinusB1, float oneMinusB2, float eps,
                                     float wd, int l2, int decay, float shrink, float stepSize, float sqrtBc2) {
    adam_update(param, grad, m, v, n, b1, b2, oneMinusB1, oneMinusB2, eps, wd, l2, decay, shrink, stepSize, sqrtBc2);
}

/*
 * adam_step with the step number read from device memory (*step, a float holding a whole number) when the
 * kernel runs, so that a captured CUDA graph replays it with each replay's count. stepSize and sqrtBc2 are
 * computed here in double as AdamStep.Constants computes them on the host, then rounded to float; CUDA's
 * double pow is within 2 ulp of Math.pow's, a difference the rounding to float hides but at ties.
 */
extern "C" __global__ void adam_step_counted(float* param, const float* grad, float* m, float* v, long long n,
                                             float b1, float b2, float oneMinusB1, float oneMinusB2, float eps,
                                             float wd, int l2, int decay, float shrink, const float* step,
                                             double lr, double beta1, double beta2) {
    double t = (double) *step;
    float stepSize = (float) (lr / (1.0 - pow(beta1, t)));
    float sqrtBc2 = (float) sqrt(1.0 - pow(beta2, t));
    adam_update(param, grad, m, v, n, b1, b2, oneMinusB1, oneMinusB2, eps, wd, l2, decay, shrink, stepSize, sqrtBc2);
}
