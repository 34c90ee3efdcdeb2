/*
 * The pointwise part of one GRU step, PyTorch's and cuDNN's formulation with gate order r z n;
 * the device twin of GruCell in dev.gatun.kernels.recurrent (forwardScalar, backwardScalar) and of
 * Backend.gruCell / gruCellBackward. Row-major, contiguous; one thread per (row b, unit j).
 *   gru_cell:          xg[B, 3H] = x·W_ihᵀ + b_ih, hg[B, 3H] = hPrev·W_hhᵀ + b_hh, hPrev[B, H]
 *                      -> h[B, H], saved[B, 4H] = r, z, n, hn
 *                      r = σ(xr + hr)  z = σ(xz + hz)  n = tanh(xn + r·hn)  h = (1 − z)·n + z·hPrev
 *   gru_cell_backward: saved, hPrev, dh -> dxg[B, 3H], dhg[B, 3H], dhPrev[B, H]
 *                      dn = dh·(1 − z)·(1 − n²)   dz = dh·(hPrev − n)·z(1 − z)   dr = dn·hn·r(1 − r)
 *                      dxg = dr, dz, dn          dhg = dr, dz, dn·r               dhPrev = dh·z
 *                      (dhPrev is the direct path only; the caller adds dhg·W_hh.)
 *
 * σ and tanh are VectorMath's, ported operation for operation (vector_math.cuh), and the rest is
 * float arithmetic in the twin's order (no fused multiply-adds under -fmad=false), so the results
 * match GruCell bit for bit; ScalarRecurrentCells, in double, agrees within float rounding.
 * Each thread reads all of its element's inputs before writing, so h may alias hPrev and dhPrev
 * may alias dh.
 */
#include "vector_math.cuh"

extern "C" __global__ void gru_cell(const float* xg, const float* hg, const float* hPrev, float* h, float* saved,
                                    int batch, int hidden) {
    long long n = (long long) batch * hidden;
    for (long long k = blockIdx.x * (long long) blockDim.x + threadIdx.x; k < n;
         k += (long long) blockDim.x * gridDim.x) {
        long long b = k / hidden;
        long long j = k - b * hidden;
        const float* x0 = xg + 3 * b * hidden + j;
        const float* h0 = hg + 3 * b * hidden + j;
        float* s0 = saved + 4 * b * hidden + j;
        float r = vm_sigmoid(x0[0] + h0[0]);
        float z = vm_sigmoid(x0[hidden] + h0[hidden]);
        float hn = h0[2LL * hidden];
        float nv = vm_tanh(x0[2LL * hidden] + r * hn);
        float hp = hPrev[k];
        s0[0] = r;
        s0[hidden] = z;
        s0[2LL * hidden] = nv;
        s0[3LL * hidden] = hn;
        h[k] = (1.0f - z) * nv + z * hp;
    }
}

extern "C" __global__ void gru_cell_backward(const float* saved, const float* hPrev, const float* dh, float* dxg,
                                             float* dhg, float* dhPrev, int batch, int hidden) {
    long long n = (long long) batch * hidden;
    for (long long k = blockIdx.x * (long long) blockDim.x + threadIdx.x; k < n;
         k += (long long) blockDim.x * gridDim.x) {
        long long b = k / hidden;
        long long j = k - b * hidden;
        const float* s0 = saved + 4 * b * hidden + j;
        float* x0 = dxg + 3 * b * hidden + j;
        float* h0 = dhg + 3 * b * hidden + j;
        float r = s0[0];
        float z = s0[hidden];
        float nv = s0[2LL * hidden];
        float hn = s0[3LL * hidden];
        float hp = hPrev[k];
        float d = dh[k];
        float dn = d * (1.0f - z) * (1.0f - nv * nv);
        float dz = d * (hp - nv) * (z * (1.0f - z));
        float dr = dn * hn * (r * (1.0f - r));
        x0[0] = dr;
        x0[hidden] = dz;
        x0[2LL * hidden] = dn;
        h0[0] = dr;
        h0[hidden] = dz;
        h0[2LL * hidden] = dn * r;
        dhPrev[k] = d * z;
    }
}
