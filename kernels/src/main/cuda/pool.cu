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

// The output rows (or columns) whose windows cover input row (or column) h: [*lo, *hi], empty
// when *lo > *hi. Window oh covers h iff oh·s − p <= h < oh·s − p + k.
static __device__ __forceinline__ void covering(int h, int k, int s, int p, int out, int* lo, int* hi) {
    int below = h + p - k;
    *lo = below < 0 ? 0 : below / s + 1;
    *hi = min((h + p) / s, out - 1);
}

extern "C" __global__ void max_pool2d(const float* x, float* y, int* argmax, long long planes, int inH, int inW,
                                      int outH, int outW, int kH, int kW, int sH, int sW, int pH, int pW) {
    long long outPlane = (long long) outH * outW;
    long long inPlane = (long long) inH * inW;
    long long n = planes * outPlane;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        long long p = i / outPlane;
        long long o = i - p * outPlane;
        int oh = (int) (o / outW);
        int ow = (int) (o - (long long) oh * outW);
        int hs = oh * sH - pH;
        int ws = ow * sW - pW;
        int h0 = max(hs, 0), h1 = min(hs + kH, inH);
        int w0 = max(ws, 0), w1 = min(ws + kW, inW);
        const float* xp = x + p * inPlane;
        float best = -INFINITY;
        int bestAt = h0 * inW + w0;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
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
    long long outPlane = (long long) outH * outW;
    long long inPlane = (long long) inH * inW;
    long long n = planes * inPlane;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        long long p = i / inPlane;
        int at = (int) (i - p * inPlane);
        int h = at / inW;
        int w = at - h * inW;
        int ohLo, ohHi, owLo, owHi;
        covering(h, kH, sH, pH, outH, &ohLo, &ohHi);
        covering(w, kW, sW, pW, outW, &owLo, &owHi);
        const float* dyp = dy + p * outPlane;
        const int* ap = argmax + p * outPlane;
        float acc = 0.0f;
        for (int oh = ohLo; oh <= ohHi; oh++) {
            for (int ow = owLo; ow <= owHi; ow++) {
                long long o = (long long) oh * outW + ow;
                if (ap[o] == at) {
                    acc = acc + dyp[o];
                }
            }
        }
        dx[i] = acc;
    }
}

extern "C" __global__ void avg_pool2d(const float* x, float* y, long long planes, int inH, int inW, int outH,
                                      int outW, int kH, int kW, int sH, int sW, int pH, int pW, int countIncludePad) {
    long long outPlane = (long long) outH * outW;
    long long inPlane = (long long) inH * inW;
    long long n = planes * outPlane;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        long long p = i / outPlane;
        long long o = i - p * outPlane;
        int oh = (int) (o / outW);
        int ow = (int) (o - (long long) oh * outW);
        int hs = oh * sH - pH;
        int ws = ow * sW - pW;
        int h0 = max(hs, 0), h1 = min(hs + kH, inH);
        int w0 = max(ws, 0), w1 = min(ws + kW, inW);
        const float* xp = x + p * inPlane;
        double sum = 0.0;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                sum += (double) xp[h * inW + w];
            }
        }
        int div = countIncludePad ? kH * kW : (h1 - h0) * (w1 - w0);
        y[i] = (float) (sum / (double) div);
    }
}

extern "C" __global__ void avg_pool2d_backward(const float* dy, float* dx, long long planes, int inH, int inW,
                                               int outH, int outW, int kH, int kW, int sH, int sW, int pH, int pW,
                                               int countIncludePad) {
    long long outPlane = (long long) outH * outW;
    long long inPlane = (long long) inH * inW;
    long long n = planes * inPlane;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        long long p = i / inPlane;
        int at = (int) (i - p * inPlane);
        int h = at / inW;
        int w = at - h * inW;
        int ohLo, ohHi, owLo, owHi;
        covering(h, kH, sH, pH, outH, &ohLo, &ohHi);
        covering(w, kW, sW, pW, outW, &owLo, &owHi);
        const float* dyp = dy + p * outPlane;
        float acc = 0.0f;
        for (int oh = ohLo; oh <= ohHi; oh++) {
            int hs = oh * sH - pH;
            int rows = min(hs + kH, inH) - max(hs, 0);
            for (int ow = owLo; ow <= owHi; ow++) {
                int ws = ow * sW - pW;
                int div = countIncludePad ? kH * kW : rows * (min(ws + kW, inW) - max(ws, 0));
                // The CPU twin rounds each share to float before adding it.
                float g = (float) ((double) dyp[(long long) oh * outW + ow] / (double) div);
                acc = acc + g;
            }
        }
        dx[i] = acc;
    }
}
