/*
 * x, or +0 where |x| is below the least normal float (subnormals and both zeros): how the
 * optimizer steps store their decaying state, as dev.gatun.kernels.optim.Subnormals does on the
 * host, so that device and host agree bit for bit. GPUs compute on subnormals at full speed; the
 * flush is here for that agreement, not for speed. Included by adam_step.cu, sgd_step.cu and
 * rmsprop_step.cu.
 */
#pragma once

__device__ __forceinline__ float flush_subnormal(float x) {
    return fabsf(x) < 1.17549435e-38f ? 0.0f : x;
}
