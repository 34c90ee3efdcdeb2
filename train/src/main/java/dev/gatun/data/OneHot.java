package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Int class labels as one-hot float32 targets [C]: label k becomes a row with 1 at k, 0 elsewhere.
 * The wrapped data set reports float32 targets of shape [C] and keeps {@link #classes()} = C, so
 * callers still know how many classes the rows encode.
 */
public final class OneHot extends DatasetView {
    private final int classes;

    private OneHot(Dataset base, int classes) {
        super(base);
        this.classes = classes;
    }

    /**
     * {@code source}'s int32 labels served as one-hot float32 [classes()] targets.
     *
     * @param source a data set with int32 class labels
     * @return the one-hot view of source
     */
    public static OneHot of(Dataset source) {
        if (source.targetDType() != DType.INT32 || source.targetShape().length != 0 || source.classes() < 1) {
            throw new IllegalArgumentException("one-hot: needs int32 class labels, the data set has "
                    + source.targetDType() + " targets of shape " + java.util.Arrays.toString(source.targetShape())
                    + " and " + source.classes() + " classes");
        }
        return new OneHot(source, source.classes());
    }

    /**
     * One-hot rows [labels.length * classes] of labels in 0..classes-1.
     *
     * @param labels the class labels
     * @param classes the number of classes
     * @return the one-hot rows, row-major
     */
    public static float[] encode(int[] labels, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("one-hot: classes must be >= 1, got " + classes);
        }
        float[] out = new float[Math.multiplyExact(labels.length, classes)];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("one-hot: label " + i + " is " + labels[i]
                        + ", expected a class in 0.." + (classes - 1));
            }
            out[i * classes + labels[i]] = 1f;
        }
        return out;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public DType targetDType() {
        return DType.FLOAT32;
    }

    @Override
    public int[] targetShape() {
        return new int[] {classes};
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
        if (labels.dtype() != DType.FLOAT32 || !labels.isContiguous() || labels.size() != (long) count * classes) {
            throw new IllegalArgumentException("one-hot targets must be contiguous float32 [" + count + ", "
                    + classes + "], got " + labels.describe());
        }
        int[] ids;
        try (Scope ignored = Scope.open("one-hot")) {
            Tensor raw = Tensor.zeros(DType.INT32, count);
            base.fill(indices, from, count, features, raw);
            ids = raw.toIntArray();
        }
        float[] rows = encode(ids, classes);
        MemorySegment.copy(rows, 0, labels.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED,
                labels.offset() * Float.BYTES, rows.length);
    }
}
