/*
 * e^x, tanh and the logistic function for the recurrent cells: the device twins of VectorMath's
 * scalar exp(float), tanh(float) and sigmoid(float) in dev.gatun.kernels, operation for
 * operation. Every step is an IEEE float add, multiply, divide or fmaf (each rounds once, as
 * Math.fma does), a compare or bit reinterpretation, and -fmad=false keeps nvcc from fusing the
 * rest, so these give VectorMath's bits, not CUDA's expf/tanhf (which differ in the last ulp).
 * Subnormal results come out as in Java because nvcc does not flush to zero unless asked.
 * Included by lstm_cell.cu and gru_cell.cu; see VectorMath for the method and its accuracy.
 */
#pragma once

// exp: x = n·ln2 + r, e^x = 2^n · e^r, SLEEF's expf_u10 polynomial for e^r.
#define VM_LOG2E 1.44269504088896341f
#define VM_LN2_HI 0.693145751953125f
#define VM_LN2_LO 1.428606765330187045e-06f
#define VM_E5 0.000198527617612853646278381f
#define VM_E4 0.00139304355252534151077271f
#define VM_E3 0.00833336077630519866943359f
#define VM_E2 0.0416664853692054748535156f
#define VM_E1 0.166666671633720397949219f
#define VM_E0 0.5f
#define VM_EXP_NORMAL 87.0f
#define VM_EXP_MAX 89.0f
#define VM_EXP_MIN -104.0f
// 1.5·2^23: adding it rounds x·log2e to an integer in the low mantissa bits.
#define VM_ROUNDER 12582912.0f
#define VM_ROUNDER_BITS 0x4B400000
// tanh: Cephes' polynomial below |x| = 0.625, (1 - e)/(1 + e) with e = e^-2|x| above.
#define VM_TANH_SMALL 0.625f
#define VM_T4 -5.70498872745e-3f
#define VM_T3 2.06390887954e-2f
#define VM_T2 -5.37397155531e-2f
#define VM_T1 1.33314422036e-1f
#define VM_T0 -3.33332819422e-1f
#define VM_SIGN 0x80000000u

// 2^k for a biased exponent field k + 127 in [1, 254]. Unsigned, so that the shift wraps as
// Java's int shift does instead of being undefined.
static __device__ __forceinline__ float vm_pow2(unsigned biased) {
    return __int_as_float((int) (biased << 23));
}

// e^r for r = x - n·ln2, |r| <= ln2/2.
static __device__ __forceinline__ float vm_exp_reduced(float x, float n) {
    float r = fmaf(n, -VM_LN2_HI, x);
    r = fmaf(n, -VM_LN2_LO, r);
    float u = fmaf(r, VM_E5, VM_E4);
    u = fmaf(u, r, VM_E3);
    u = fmaf(u, r, VM_E2);
    u = fmaf(u, r, VM_E1);
    u = fmaf(u, r, VM_E0);
    return fmaf(r * r, u, r) + 1.0f;
}

// Overflow, subnormal results and NaN: the input clamped to [EXP_MIN, EXP_MAX] and 2^n applied
// in two normal halves (VectorMath.expWide).
static __device__ __forceinline__ float vm_exp_wide(float x) {
    float xc = x < VM_EXP_MIN ? VM_EXP_MIN : x > VM_EXP_MAX ? VM_EXP_MAX : x;
    float t = fmaf(xc, VM_LOG2E, VM_ROUNDER);
    float p = vm_exp_reduced(xc, t - VM_ROUNDER);
    int ni = __float_as_int(t) - VM_ROUNDER_BITS;
    int n1 = ni >> 1;
    int n2 = ni - n1;
    return p * vm_pow2((unsigned) n1 + 127u) * vm_pow2((unsigned) n2 + 127u);
}

static __device__ __forceinline__ float vm_exp(float x) {
    if (!(fabsf(x) <= VM_EXP_NORMAL)) {
        return vm_exp_wide(x);
    }
    float t = fmaf(x, VM_LOG2E, VM_ROUNDER);
    float n = t - VM_ROUNDER;
    // t's low bits hold ROUNDER_BITS + n; ROUNDER_BITS' own bits shift out of the 32.
    return vm_exp_reduced(x, n) * vm_pow2((unsigned) __float_as_int(t) + 127u);
}

static __device__ __forceinline__ float vm_tanh(float x) {
    float a = fabsf(x);
    float t;
    if (a < VM_TANH_SMALL) {
        float z = a * a;
        float p = fmaf(z, VM_T4, VM_T3);
        p = fmaf(p, z, VM_T2);
        p = fmaf(p, z, VM_T1);
        p = fmaf(p, z, VM_T0);
        t = fmaf(p * z, a, a);
    } else {
        float e = vm_exp(a * -2.0f);
        t = (1.0f - e) / (e + 1.0f);
    }
    // The sign goes back on as a bit, so tanh(-0) = -0.
    return __int_as_float((int) ((unsigned) __float_as_int(t) | ((unsigned) __float_as_int(x) & VM_SIGN)));
}

// 1 / (1 + e^-x) through e = e^-|x| in (0, 1]: neither overflows nor loses small outputs.
static __device__ __forceinline__ float vm_sigmoid(float x) {
    float e = vm_exp(-fabsf(x));
    float r = 1.0f / (e + 1.0f);
    return x < 0.0f ? e * r : r;
}
