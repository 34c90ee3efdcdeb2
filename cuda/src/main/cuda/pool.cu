/*
 * 2-D max and average pooling over contiguous NCHW planes (planes = batch·channels); the device
 * twins of MaxPool and AvgPool in dev.gatun.kernels.pool (their scalar twins) and of
 * Backend.maxPool2d / avgPool2d and their backwards (ScalarPooling).
 *   x[planes, inH, inW] <-> y[planes, outH, outW], outH = (inH + 2·pH − kH) / sH + 1, same for W
 *   window of output (oh, ow): input rows [oh·sH − pH, + kH) and columns [ow·sW − pW, + kW),
 *   clipped to the input. Padding is at most half the kernel (Pool2dGeometry), so every window
 *   holds at least one input element.
 *
 *   max_pool2d:          y = the window's maximum, argmax = h·inW + w of its first maximum in
 *                        row-major window order. MaxPool's scan rule: best starts at -inf with the
 *                        window's first index, v replaces it iff !(v <= best) and best is not NaN,
 *                        so padding never wins, NaN beats numbers and the first NaN stays.
 *   max_pool2d_backward: dx[h, w] = Σ dy over the output cells whose argmax is h·inW + w.
 *   avg_pool2d:          y = (window sum in double) / div, rounded to float once;
 *                        div = kH·kW when countIncludePad (PyTorch's default), else the number of
 *                        input elements in the window.
 *   avg_pool2d_backward: dx[h, w] = Σ over the windows covering (h, w) of (float) (dy / div).
 *
 * The backwards are gathers, one thread per input element, so they need no atomics and no
 * zeroed dx (every element is written) and are deterministic: a thread visits the windows that
 * cover its element in (oh, ow) row-major order, the order in which the CPU twins scatter, and
 * sums in float as they do. An argmax that lies outside its own window (so not from max_pool2d
 * with the same geometry) is ignored, where the CPU would still add it.
 *
 * Exactness: the max is comparisons only; the average sums in double and divides once, as both
 * twins and ScalarPooling do; the backwards round like the CPU twins. So all four match MaxPool
 * and AvgPool bit for bit. ScalarPooling's backwards sum in double: where windows overlap they
 * agree within a float rounding per added term.
 */

// The geometry every pooling kernel receives, gathered so the index helpers below take one
// argument instead of ten.
struct PoolDims {
    int inH, inW, outH, outW, kH, kW, sH, sW, pH, pW;
};

// Input rows (or columns) [*lo, *hi) of the window of output row (or column) o, clipped to the
// input's `in` rows: the window starts at o·s − p and is k long.
static __device__ __forceinline__ void window(int o, int k, int s, int p, int in, int* lo, int* hi) {
    int start = o * s - p;
    *lo = max(start, 0);
    *hi = min(start + k, in);
}

// The output rows (or columns) whose windows cover input row (or column) h: [*lo, *hi], empty
// when *lo > *hi. Window oh covers h iff oh·s − p <= h < oh·s − p + k.
static __device__ __forceinline__ void covering(int h, int k, int s, int p, int out, int* lo, int* hi) {
    int below = h + p - k;
    *lo = below < 0 ? 0 : below / s + 1;
    *hi = min((h + p) / s, out - 1);
}

// Output element i of the planes·outH·outW grid: its plane and the input rows [h0, h1) and
// columns [w0, w1) of its clipped window.
struct OutputCell {
    long long plane;
    int h0, h1, w0, w1;
};

static __device__ __forceinline__ OutputCell outputCell(long long i, const PoolDims& d) {
    long long outPlane = (long long) d.outH * d.outW;
    OutputCell c;
    c.plane = i / outPlane;
    long long o = i - c.plane * outPlane;
    int oh = (int) (o / d.outW);
    int ow = (int) (o - (long long) oh * d.outW);
    window(oh, d.kH, d.sH, d.pH, d.inH, &c.h0, &c.h1);
    window(ow, d.kW, d.sW, d.pW, d.inW, &c.w0, &c.w1);
    return c;
}

// Input element i of the planes·inH·inW grid: its plane, its index at = h·inW + w in the plane,
// and the output rows [ohLo, ohHi] and columns [owLo, owHi] whose windows cover it.
struct InputCell {
    long long plane;
    int at, ohLo, ohHi, owLo, owHi;
};

static __device__ __forceinline__ InputCell inputCell(long long i, const PoolDims& d) {
    long long inPlane = (long long) d.inH * d.inW;
    InputCell c;
    c.plane = i / inPlane;
    c.at = (int) (i - c.plane * inPlane);
    int h = c.at / d.inW;
    int w = c.at - h * d.inW;
    covering(h, d.kH, d.sH, d.pH, d.outH, &c.ohLo, &c.ohHi);
    covering(w, d.kW, d.sW, d.pW, d.outW, &c.owLo, &c.owHi);
    return c;
}

extern "C" __global__ void max_pool2d(const float* x, float* y, int* argmax, long long planes, int inH, int inW,
                                      int outH, int outW, int kH, int kW, int sH, int sW, int pH, int pW) {
    const PoolDims d = {inH, inW, outH, outW, kH, kW, sH, sW, pH, pW};
    long long inPlane = (long long) inH * inW;
    long long n = planes * ((long long) outH * outW);
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        OutputCell c = outputCell(i, d);
        const float* xp = x + c.plane * inPlane;
        float best = -INFINITY;
        int bestAt = c.h0 * inW + c.w0;
        for (int h = c.h0; h < c.h1; h++) {
            for (int w = c.w0; w < c.w1; w++) {
                int at = h * inW + w;
                float v = xp[at];
                if (!(v <= best) && best == best) {
                    best = v;
                    bestAt = at;
                }
            }
        }
        y[i] = best;
        argmax[i] = bestAt;
    }
}

extern "C" __global__ void max_pool2d_backward(const float* dy, const int* argmax, float* dx, long long planes,
                                               int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW,
                                               int pH, int pW) {
    const PoolDims d = {inH, inW, outH, outW, kH, kW, sH, sW, pH, pW};
    long long outPlane = (long long) outH * outW;
    long long n = planes * ((long long) inH * inW);
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        InputCell c = inputCell(i, d);
        const float* dyp = dy + c.plane * outPlane;
        const int* ap = argmax + c.plane * outPlane;
        float acc = 0.0f;
        for (int oh = c.ohLo; oh <= c.ohHi; oh++) {
            for (int ow = c.owLo; ow <= c.owHi; ow++) {
                long long o = (long long) oh * outW + ow;
                if (ap[o] == c.at) {
                    acc = acc + dyp[o];
                }
            }
        }
        dx[i] = acc;
    }
}

extern "C" __global__ void avg_pool2d(const float* x, float* y, long long planes, int inH, int inW, int outH,
                                      int outW, int kH, int kW, int sH, int sW, int pH, int pW, int countIncludePad) {
    const PoolDims d = {inH, inW, outH, outW, kH, kW, sH, sW, pH, pW};
    long long inPlane = (long long) inH * inW;
    long long n = planes * ((long long) outH * outW);
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        OutputCell c = outputCell(i, d);
        const float* xp = x + c.plane * inPlane;
        double sum = 0.0;
        for (int h = c.h0; h < c.h1; h++) {
            for (int w = c.w0; w < c.w1; w++) {
                sum += (double) xp[h * inW + w];
            }
        }
        int div = countIncludePad ? kH * kW : (c.h1 - c.h0) * (c.w1 - c.w0);
        y[i] = (float) (sum / (double) div);
    }
}

extern "C" __global__ void avg_pool2d_backward(const float* dy, float* dx, long long planes, int inH, int inW,
                                               int outH, int outW, int kH, int kW, int sH, int sW, int pH, int pW,
                                               int countIncludePad) {
    const PoolDims d = {inH, inW, outH, outW, kH, kW, sH, sW, pH, pW};
    long long outPlane = (long long) outH * outW;
    long long n = planes * ((long long) inH * inW);
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        InputCell c = inputCell(i, d);
        const float* dyp = dy + c.plane * outPlane;
        float acc = 0.0f;
        for (int oh = c.ohLo; oh <= c.ohHi; oh++) {
            int h0, h1;
            window(oh, kH, sH, pH, inH, &h0, &h1);
            for (int ow = c.owLo; ow <= c.owHi; ow++) {
                int w0, w1;
                window(ow, kW, sW, pW, inW, &w0, &w1);
                int div = countIncludePad ? kH * kW : (h1 - h0) * (w1 - w0);
                // The CPU twin rounds each share to float before adding it.
                float g = (float) ((double) dyp[(long long) oh * outW + ow] / (double) div);
                acc = acc + g;
            }
        }
        dx[i] = acc;
    }
}
