/*
 * One Adagrad step, in place; the device twin of dev.gatun.kernels.optim.AdagradStep.
 *   param[n], grad[n], sum[n] (accumulated squares) -> param and sum updated; grad is only read.
 *
 *   g   = grad + wd * p                              (only when wd != 0)
 *   sum = sum + g * g
 *   p   = p - clr * (g / (sqrt(sum) + eps))          clr = lr / (1 + (step - 1) * lrDecay)
 *
 * clr is computed on the host in double and rounded to float, as AdagradStep does; with
 * -fmad=false and IEEE sqrt/division the two agree bit for bit.
 */
extern "C" __global__ void adagrad_step(float* param, const float* grad, float* sum, long long n, float clr,
                                        float wd, float eps) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        float p = param[i];
        float g = grad[i];
        if (wd != 0.0f) {
            g = g + wd * p;
        }
        float s = sum[i] + g * g;
        sum[i] = s;
        param[i] = p - clr * (g / (sqrtf(s) + eps));
    }
}
