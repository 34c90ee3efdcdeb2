package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;

/**
 * Reads a whole data set through {@link Dataset#fill} in chunks of examples, so fitting a scaler
 * or reading labels needs memory for one chunk rather than a copy of the set.
 */
final class DatasetScan {
    /** Examples per fill; large enough to amortize a call, small enough to stay in cache-sized buffers. */
    static final int CHUNK = 1024;

    /** Receives one chunk: examples [from, from+count) as features [count * featureSize] and targets. */
    interface Chunk {
        void accept(int from, int count, float[] features, Tensor targets);
    }

    private DatasetScan() {}

    static void scan(Dataset source, Chunk chunk) {
        int n = source.size();
        int[] order = ArrayDataset.identity(n);
        for (int from = 0; from < n; from += CHUNK) {
            int c = Math.min(CHUNK, n - from);
            try (Scope ignored = Scope.open("dataset scan")) {
                Tensor xs = Tensor.zeros(DType.FLOAT32, batchShape(c, source.featureShape()));
                Tensor ys = Tensor.zeros(source.targetDType(), batchShape(c, source.targetShape()));
                source.fill(order, from, c, xs, ys);
                chunk.accept(from, c, xs.toFloatArray(), ys);
            }
        }
    }

    private static int[] batchShape(int count, int[] example) {
        int[] shape = new int[example.length + 1];
        shape[0] = count;
        System.arraycopy(example, 0, shape, 1, example.length);
        return shape;
    }
}
