package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Another data set with each feature j mapped to (x - shift[j]) · scale[j] as batches are filled;
 * the source is never modified. Standardizing and min-max scaling are both this map.
 */
final class AffineFeatures extends DatasetView {
    private final float[] shift;
    private final float[] scale;

    AffineFeatures(Dataset base, float[] shift, float[] scale, String who) {
        long f = dev.gatun.tensor.Shape.checkedSize(base.featureShape());
        if (f != shift.length) {
            throw new IllegalArgumentException(who + ": fitted on " + shift.length + " features but the data set has "
                    + f + " per example (shape " + java.util.Arrays.toString(base.featureShape()) + ")");
        }
        super(base);
        this.shift = shift;
        this.scale = scale;
    }

    /** The map applied to rows of a flat array [N * features]; returns a new array. */
    static float[] apply(float[] x, float[] shift, float[] scale, String who) {
        int f = shift.length;
        if (x.length % f != 0) {
            throw new IllegalArgumentException(who + ": " + x.length + " values are not whole rows of " + f
                    + " features");
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int j = i % f;
            out[i] = (x[i] - shift[j]) * scale[j];
        }
        return out;
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
        base.fill(indices, from, count, features, labels);
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous()) {
            throw new IllegalArgumentException("features must be contiguous float32, got " + features.describe());
        }
        MemorySegment s = features.segment();
        long o = features.offset();
        int f = shift.length;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < f; j++) {
                long at = o + (long) i * f + j;
                float x = s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
                s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at, (x - shift[j]) * scale[j]);
            }
        }
    }
}
