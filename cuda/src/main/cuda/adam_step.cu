/*
 * One Adam / AdamW step, in place; the device twin of dev.gatun.kernels.optim.AdamStep.
 *   param[n], grad[n], m[n], v[n] -> param, m, v updated; grad is only read.
 *
 *   l2:    g = grad + wd * p            (Adam with weight decay)
 *   decay: p = p * shrink               (AdamW, shrink = 1 - lr * wd)
 *   m = b1 * m + oneMinusB1 * g
 *   v = b2 * v + oneMinusB2 * g * g
 *   p = p - stepSize * m / (sqrt(v) / sqrtBc2 + eps)    stepSize = lr / (1 - b1^step), sqrtBc2 = sqrt(1 - b2^step)
 *
 * The per-call constants come from the host, computed in double and rounded to float exactly as
 * AdamStep does, so that the two agree bit for bit: compiled with -fmad=false (no contraction into
 * fused multiply-adds) and IEEE sqrt/division (nvcc's default -prec-sqrt/-prec-div), every
 * operation here rounds as Java's float arithmetic does.
 */
extern "C" __global__ void adam_step(float* param, const float* grad, float* m, float* v, long long n,
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
        float mi = b1 * m[i] + oneMinusB1 * g;
        float vi = b2 * v[i] + oneMinusB2 * g * g;
        float denom = sqrtf(vi) / sqrtBc2 + eps;
        m[i] = mi;
        v[i] = vi;
        param[i] = p - stepSize * mi / denom;
    }
}
