package dev.gatun.backend.operand;

import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Element strides of operands broadcast to an output shape, and their reduction to the few
 * dimensions a device kernel takes: dimensions of size 1 are dropped and neighbours that both
 * operands (and the dense output) walk as one run are merged.
 */
public final class BroadcastStrides {
    private BroadcastStrides() {}

    /**
     * t's strides seen from {@code target} (right-aligned; broadcast dimensions get stride 0).
     *
     * @param t the tensor
     * @param target the shape t is broadcast to
     * @return one stride per dimension of target, in elements
     */
    public static long[] of(Tensor t, int[] target) {
        int[] s = t.shape();
        long[] st = t.strides();
        long[] out = new long[target.length];
        int lead = target.length - s.length;
        for (int i = 0; i < s.length; i++) {
            out[lead + i] = s[i] == 1 ? 0 : st[i];
        }
        return out;
    }

    /**
     * {shape, a strides, b strides}, each of exactly {@code rank} entries (padded in front with
     * size 1, stride 0), describing the same element walk as the inputs; null when more than
     * {@code rank} dimensions remain after merging.
     *
     * @param shape the output shape both operands are walked over
     * @param a the first operand's strides over shape
     * @param b the second operand's strides over shape
     * @param rank the number of dimensions wanted
     * @return {shape, a strides, b strides}, or null
     */
    public static long[][] collapse(int[] shape, long[] a, long[] b, int rank) {
        List<long[]> dims = new ArrayList<>(); // {size, a stride, b stride}, outermost first
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            long[] d = {shape[i], a[i], b[i]};
            if (!dims.isEmpty()) {
                long[] prev = dims.getLast();
                // prev then d walk as one run when each operand's outer stride is its inner stride times
                // the inner size (the dense output always satisfies this).
                if (prev[1] == d[1] * d[0] && prev[2] == d[2] * d[0]) {
                    prev[0] *= d[0];
                    prev[1] = d[1];
                    prev[2] = d[2];
                    continue;
                }
            }
            dims.add(d);
        }
        if (dims.size() > rank) {
            return null;
        }
        long[][] out = new long[3][rank];
        int lead = rank - dims.size();
        for (int i = 0; i < rank; i++) {
            long[] d = i < lead ? new long[] {1, 0, 0} : dims.get(i - lead);
            out[0][i] = d[0];
            out[1][i] = d[1];
            out[2][i] = d[2];
        }
        return out;
    }
}
