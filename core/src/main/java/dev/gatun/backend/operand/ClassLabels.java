package dev.gatun.backend.operand;

/** The range rule of class labels, so that every backend refuses a bad label with one message. */
public final class ClassLabels {
    private ClassLabels() {}

    /**
     * {@code value} (a label read from row {@code row}) as a class index in [0, classes), or an error naming both.
     *
     * @param value the label read
     * @param row the row it was read from, for the message
     * @param classes the number of classes
     * @return the class index
     */
    public static int check(double value, int row, int classes) {
        int label = (int) value;
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("cross-entropy: label " + label + " at row " + row
                    + " is outside [0, " + classes + ")");
        }
        return label;
    }
}
