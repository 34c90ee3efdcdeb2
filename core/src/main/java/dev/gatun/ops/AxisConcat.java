package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * Concatenation along one axis, with autograd.
 *
 * <pre>
 * parts [..., n_i, ...] (equal elsewhere) → y [..., Σ n_i, ...]     d part_i = the window of dy it filled
 * </pre>
 * Recurrent layers use it to join the two directions (last axis) and to stack final states (axis 0).
 */
public final class AxisConcat {
    private AxisConcat() {}

    /**
     * The parts joined along {@code axis}; a single part is returned as is.
     *
     * @param axis the axis to join along; negative counts from the end
     * @param parts the tensors, of equal shapes but along the axis
     * @return the joined tensor
     */
    public static Tensor apply(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor first = parts[0];
        int a = Shape.axis(axis, first.rank());
        int[] shape = first.shape();
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            boolean ok = s.length == shape.length && p.dtype() == first.dtype();
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == a || s[i] == shape[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: " + p.describe() + " does not match " + first.describe()
                        + " outside axis " + a);
            }
            total += s[a];
        }
        if (parts.length == 1) {
            return first;
        }
        shape[a] = total;
        Backend be = BackendRegistry.of(first);
        Tensor y = first.newZeros(shape);
        int[] starts = new int[parts.length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            starts[i] = at;
            be.copy(parts[i], window(y, a, at, parts[i].dim(a)));
            at += parts[i].dim(a);
        }
        return Autograd.record(y, "concat", g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].requiresGrad()) {
                    grads[i] = g.newZeros(parts[i].shape());
                    be.copy(window(g, a, starts[i], parts[i].dim(a)), grads[i]);
                }
            }
            return grads;
        }, parts);
    }

    private static Tensor window(Tensor t, int axis, int start, int length) {
        int[] s = t.shape();
        long[] st = t.strides();
        s[axis] = length;
        return t.view(s, st, t.offset() + start * st[axis]);
    }
}
