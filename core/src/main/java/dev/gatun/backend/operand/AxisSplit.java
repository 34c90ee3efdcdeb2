package dev.gatun.backend.operand;

import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * A reduction axis seen as the middle of {@code [outer, len, inner]}: the form every reduce kernel takes.
 *
 * @param outer the product of the dimensions before the axis
 * @param len the length of the axis
 * @param inner the product of the dimensions after the axis
 */
public record AxisSplit(int outer, int len, int inner) {
    /**
     * The split of x's shape around {@code axis}.
     *
     * @param x the tensor
     * @param axis the axis; negative counts from the end
     * @return the split
     */
    public static AxisSplit of(Tensor x, int axis) {
        int a = Shape.axis(axis, x.rank());
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= x.dim(i);
        }
        for (int i = a + 1; i < x.rank(); i++) {
            inner *= x.dim(i);
        }
        return new AxisSplit(Math.toIntExact(outer), x.dim(a), Math.toIntExact(inner));
    }
}
