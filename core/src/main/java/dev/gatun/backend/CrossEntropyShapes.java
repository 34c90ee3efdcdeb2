package dev.gatun.backend;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** Shape and label checks shared by every backend's fused cross-entropy. */
public final class CrossEntropyShapes {
    private CrossEntropyShapes() {}

    public static void check(Tensor logits, Tensor labels, Tensor probs) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross-entropy: logits must be [batch, classes], got " + logits.describe());
        }
        if (labels.dtype() != DType.INT32 || labels.rank() != 1 || labels.dim(0) != logits.dim(0)) {
            throw new IllegalArgumentException("cross-entropy: labels must be int32 [" + logits.dim(0) + "], got "
                    + labels.describe());
        }
        Elements.requireSameShape("cross-entropy", logits, probs);
        Elements.requireContiguous("cross-entropy", probs);
        Elements.requireFloatDType("cross-entropy", probs, logits);
    }

    public static int label(double value, int row, int classes) {
        int label = (int) value;
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("cross-entropy: label " + label + " at row " + row
                    + " is outside [0, " + classes + ")");
        }
        return label;
    }
}
