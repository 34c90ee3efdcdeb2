package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A data set held in Java arrays: features float32 [N, featureShape...] flattened row-major,
 * and either int32 class labels [N] or float32 regression targets [N, targetShape...].
 * Small tabular and synthetic data live here; the arrays are copied in and never exposed.
 */
public final class ArrayDataset implements Dataset {
    private final float[] features;
    private final int[] featureShape;
    private final int featureSize;
    private final int[] labels;
    private final float[] targets;
    private final int[] targetShape;
    private final int targetSize;
    private final int classes;
    private final int count;

    private ArrayDataset(float[] features, int[] featureShape, int[] labels, int classes,
            float[] targets, int[] targetShape) {
        this.featureShape = featureShape.clone();
        this.featureSize = Math.toIntExact(Shape.checkedSize(featureShape));
        if (featureSize <= 0) {
            throw new IllegalArgumentException("array data set: feature shape " + Arrays.toString(featureShape)
                    + " holds no values");
        }
        if (features.length % featureSize != 0) {
            throw new IllegalArgumentException("array data set: " + features.length
                    + " feature values are not a whole number of examples of shape " + Arrays.toString(featureShape));
        }
        this.count = features.length / featureSize;
        this.features = features.clone();
        if (labels != null) {
            if (labels.length != count) {
                throw new IllegalArgumentException("array data set: " + labels.length + " labels for " + count
                        + " examples");
            }
            if (classes < 1) {
                throw new IllegalArgumentException("array data set: classes must be >= 1, got " + classes);
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("array data set: label " + i + " is " + labels[i]
                            + ", expected a class in 0.." + (classes - 1));
                }
            }
            this.labels = labels.clone();
            this.targets = null;
            this.targetShape = new int[0];
            this.targetSize = 1;
            this.classes = classes;
        } else {
            this.targetShape = targetShape.clone();
            this.targetSize = Math.toIntExact(Shape.checkedSize(targetShape));
            if (targets.length != (long) count * targetSize) {
                throw new IllegalArgumentException("array data set: " + targets.length + " target values for "
                        + count + " examples of target shape " + Arrays.toString(targetShape));
            }
            this.labels = null;
            this.targets = targets.clone();
            this.classes = 0;
        }
    }

    /**
     * Classification: {@code features} holds N examples of {@code featureShape}; labels in 0..classes-1.
     *
     * @param features the features of N examples, row-major
     * @param featureShape the shape of one example's features
     * @param labels the class label of each example
     * @param classes the number of classes
     * @return the data set; the arrays are copied
     */
    public static ArrayDataset classification(float[] features, int[] featureShape, int[] labels, int classes) {
        return new ArrayDataset(features, featureShape, labels, classes, null, null);
    }

    /**
     * Regression: {@code targets} holds N float32 targets of {@code targetShape}, e.g. {@code [1]}.
     *
     * @param features the features of N examples, row-major
     * @param featureShape the shape of one example's features
     * @param targets the targets of N examples, row-major
     * @param targetShape the shape of one example's target
     * @return the data set; the arrays are copied
     */
    public static ArrayDataset regression(float[] features, int[] featureShape, float[] targets, int[] targetShape) {
        return new ArrayDataset(features, featureShape, null, 0, targets, targetShape);
    }

    /**
     * Every example of {@code source} read into arrays, through its {@link Dataset#fill}.
     *
     * @param source the data set to read
     * @return the copy
     */
    public static ArrayDataset copyOf(Dataset source) {
        if (source instanceof ArrayDataset a) {
            return a;
        }
        int n = source.size();
        int f = Math.toIntExact(Shape.checkedSize(source.featureShape()));
        boolean classification = source.targetDType() == DType.INT32 && source.targetShape().length == 0;
        if (!classification && source.targetDType() != DType.FLOAT32) {
            throw new IllegalArgumentException("array data set: cannot copy " + source.targetDType()
                    + " targets of shape " + Arrays.toString(source.targetShape())
                    + ", expected int32 class labels or float32 targets");
        }
        int t = Math.toIntExact(Shape.checkedSize(source.targetShape()));
        float[] x = new float[Math.multiplyExact(n, f)];
        int[] labels = classification ? new int[n] : null;
        float[] y = classification ? null : new float[Math.multiplyExact(n, t)];
        DatasetScan.scan(source, (from, c, xs, ys) -> {
            System.arraycopy(xs, 0, x, from * f, c * f);
            if (classification) {
                System.arraycopy(ys.toIntArray(), 0, labels, from, c);
            } else {
                System.arraycopy(ys.toFloatArray(), 0, y, from * t, c * t);
            }
        });
        return classification
                ? classification(x, source.featureShape(), labels, source.classes())
                : regression(x, source.featureShape(), y, source.targetShape());
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** {@return the values per example: the product of {@link #featureShape}} */
    public int featureSize() {
        return featureSize;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public DType targetDType() {
        return labels != null ? DType.INT32 : DType.FLOAT32;
    }

    @Override
    public int[] targetShape() {
        return targetShape.clone();
    }

    /** {@return all features, [N * featureSize] row-major (a copy)} */
    public float[] features() {
        return features.clone();
    }

    /**
     * Feature {@code j} (flat index within an example) of example {@code i}.
     *
     * @param i the example's index
     * @param j the feature's flat index within the example
     * @return the feature's value
     */
    public float feature(int i, int j) {
        return features[Objects.checkIndex(i, count) * featureSize + Objects.checkIndex(j, featureSize)];
    }

    /** {@return the class labels (a copy)} */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("array data set: a regression set has no class labels");
        }
        return labels.clone();
    }

    /** {@return the regression targets, [N * targetSize] row-major (a copy)} */
    public float[] targets() {
        if (targets == null) {
            throw new IllegalStateException("array data set: a classification set has no float targets");
        }
        return targets.clone();
    }

    @Override
    public void fill(int[] indices, int from, int n, Tensor features, Tensor labels) {
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous() || features.size() != (long) n * featureSize) {
            throw new IllegalArgumentException("features must be contiguous float32 with " + n + "×" + featureSize
                    + " elements, got " + features.describe());
        }
        if (labels.dtype() != targetDType() || !labels.isContiguous() || labels.size() != (long) n * targetSize) {
            throw new IllegalArgumentException("targets must be contiguous " + targetDType() + " with " + n + "×"
                    + targetSize + " elements, got " + labels.describe());
        }
        MemorySegment fs = features.segment();
        MemorySegment ls = labels.segment();
        for (int i = 0; i < n; i++) {
            int idx = indices[from + i];
            if (idx < 0 || idx >= count) {
                throw new IndexOutOfBoundsException("example " + idx + " of " + count);
            }
            MemorySegment.copy(this.features, idx * featureSize, fs, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (features.offset() + (long) i * featureSize) * Float.BYTES, featureSize);
            if (this.labels != null) {
                ls.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + i, this.labels[idx]);
            } else {
                MemorySegment.copy(this.targets, idx * targetSize, ls, ValueLayout.JAVA_FLOAT_UNALIGNED,
                        (labels.offset() + (long) i * targetSize) * Float.BYTES, targetSize);
            }
        }
    }

    /**
     * The class labels of any classification data set, read through its {@link Dataset#fill} a chunk at a time.
     *
     * @param source the data set to read
     * @return one label per example
     */
    public static int[] labelsOf(Dataset source) {
        if (source.targetDType() != DType.INT32 || source.targetShape().length != 0) {
            throw new IllegalArgumentException("data set has " + source.targetDType() + " targets of shape "
                    + Arrays.toString(source.targetShape()) + ", not int32 class labels");
        }
        if (source instanceof ArrayDataset a) {
            return a.labels.clone();
        }
        int[] labels = new int[source.size()];
        DatasetScan.scan(source, (from, c, xs, ys) -> System.arraycopy(ys.toIntArray(), 0, labels, from, c));
        return labels;
    }

    static int[] identity(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
