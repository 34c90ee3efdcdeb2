package dev.gatun.backend;

import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * A reduction axis seen as the middle of {@code [outer, len, inner]}: the form every reduce
 * kernel takes. Checks that y holds exactly outer × inner elements.
 */
public record AxisSplit(int outer, int len, int inner) {
    public static AxisSplit of(Tensor x, int axis, Tensor y) {
        int a = Shape.axis(axis, x.rank());
        int[] s = x.shape();
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= s[i];
        }
        for (int i = a + 1; i < s.length; i++) {
            inner *= s[i];
        }
        if (y.size() != outer * inner) {
            throw new IllegalArgumentException("reduce: output " + y.describe() + " does not match " + x.describe()
                    + " reduced along axis " + a);
        }
        return new AxisSplit(Math.toIntExact(outer), s[a], Math.toIntExact(inner));
    }
}
