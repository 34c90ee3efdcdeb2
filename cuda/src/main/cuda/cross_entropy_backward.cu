/*
 * Fused softmax + cross-entropy backward; the device twin of CrossEntropy.backward in
 * dev.gatun.kernels.reduce.
 *   probs[rows, cols], labels[rows] (int32) -> dx[rows, cols]
 *   dx[r, c] = (probs[r, c] - (c == labels[r] ? 1 : 0)) * scale
 *
 * One thread per element, so dx may alias probs. Labels are not checked here (a kernel cannot
 * throw): the host checks them, as the CPU kernel does, before launching; an out-of-range label
 * would only leave its row without the one-hot term. (p - 0) * scale is p * scale bit for bit,
 * and there is nothing to contract into a fused multiply-add, so this matches the CPU exactly.
 */
extern "C" __global__ void cross_entropy_backward(const float* probs, const int* labels, float* dx, int rows,
                                                  int cols, float scale) {
    long long n = (long long) rows * cols;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) blockDim.x * gridDim.x) {
        long long r = i / cols;
        int c = (int) (i - r * cols);
        float onehot = c == labels[r] ? 1.0f : 0.0f;
        dx[i] = (probs[i] - onehot) * scale;
    }
}
