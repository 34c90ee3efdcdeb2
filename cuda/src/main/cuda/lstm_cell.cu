/*
 * The pointwise part of one LSTM step; the device twin of LstmCell in dev.gatun.kernels.recurrent
 * (forwardScalar, backwardScalar) and of Backend.lstmCell / lstmCellBackward. Row-major,
 * contiguous; one thread per (row b, unit j).
 *   lstm_cell:          gates[B, 4H] (pre-activations, order i f g o), cPrev[B, H]
 *                       -> gates (activated in place), c[B, H], h[B, H]
 *                       i = σ(gi)  f = σ(gf)  g = tanh(gg)  o = σ(go)
 *                       c = f·cPrev + i·g      h = o·tanh(c)
 *   lstm_cell_backward: gates[B, 4H] (activated), cPrev, c, dh, dc (null: no gradient from a
 *                       later step) -> dGates[B, 4H], dcPrev[B, H]
 *                       dcT = dh·o·(1 − tanh²c) + dc
 *                       di = dcT·g·i(1−i)  df = dcT·cPrev·f(1−f)  dg = dcT·i·(1−g²)  do = dh·tanh(c)·o(1−o)
 *                       dcPrev = dcT·f
 *
 * σ and tanh are VectorMath's, ported operation for operation (vector_math.cuh), and the rest is
 * float arithmetic in the twin's order (no fused multiply-adds under -fmad=false), so the results
 * match LstmCell bit for bit; ScalarRecurrentCells, in double, agrees within float rounding.
 * Each thread reads all of its element's inputs before writing, so dGates may alias gates and
 * dcPrev may alias dc (and h or c may alias cPrev in the forward).
 */
#include "vector_math.cuh"

extern "C" __global__ void lstm_cell(float* gates, const float* cPrev, float* c, float* h, int batch, int hidden) {
    long long n = (long long) batch * hidden;
    for (long long k = blockIdx.x * (long long) blockDim.x + threadIdx.x; k < n;
         k += (long long) blockDim.x * gridDim.x) {
        long long b = k / hidden;
        long long j = k - b * hidden;
        float* g0 = gates + 4 * b * hidden + j;
        float i = vm_sigmoid(g0[0]);
        float f = vm_sigmoid(g0[hidden]);
        float g = vm_tanh(g0[2LL * hidden]);
        float o = vm_sigmoid(g0[3LL * hidden]);
        float cv = f * cPrev[k] + i * g;
        g0[0] = i;
        g0[hidden] = f;
        g0[2LL * hidden] = g;
        g0[3LL * hidden] = o;
        c[k] = cv;
        h[k] = o * vm_tanh(cv);
    }
}

extern "C" __global__ void lstm_cell_backward(const float* gates, const float* cPrev, const float* c, const float* dh,
                                              const float* dc, float* dGates, float* dcPrev, int batch, int hidden) {
    long long n = (long long) batch * hidden;
    for (long long k = blockIdx.x * (long long) blockDim.x + threadIdx.x; k < n;
         k += (long long) blockDim.x * gridDim.x) {
        long long b = k / hidden;
        long long j = k - b * hidden;
        const float* g0 = gates + 4 * b * hidden + j;
        float* d0 = dGates + 4 * b * hidden + j;
        float i = g0[0];
        float f = g0[hidden];
        float g = g0[2LL * hidden];
        float o = g0[3LL * hidden];
        float cp = cPrev[k];
        float tc = vm_tanh(c[k]);
        float dhv = dh[k];
        // + 0 without dc, as the twin does (it turns a -0 into +0).
        float dcv = dc == nullptr ? 0.0f : dc[k];
        float dct = dhv * o * (1.0f - tc * tc) + dcv;
        d0[0] = dct * g * (i * (1.0f - i));
        d0[hidden] = dct * cp * (f * (1.0f - f));
        d0[2LL * hidden] = dct * i * (1.0f - g * g);
        d0[3LL * hidden] = dhv * tc * (o * (1.0f - o));
        dcPrev[k] = dct * f;
    }
}
