package dev.gatun.data;

/** Input checks shared by the fitted feature scalers. */
final class FeatureStatistics {
    private FeatureStatistics() {}

    /** Values per example of a non-empty data set to fit on. */
    static int featureSize(Dataset train, String who) {
        if (train.size() == 0) {
            throw new IllegalArgumentException(who + ": cannot fit on an empty data set");
        }
        return Math.toIntExact(dev.gatun.tensor.Shape.checkedSize(train.featureShape()));
    }

    /** Checks rows [N * features] whose first row is example {@code firstExample} of the data set. */
    static void checkRows(float[] x, int features, String who, int firstExample) {
        if (features <= 0) {
            throw new IllegalArgumentException(who + ": features per row must be > 0, got " + features);
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(who + ": cannot fit on an empty data set");
        }
        if (x.length % features != 0) {
            throw new IllegalArgumentException(who + ": " + x.length + " values are not whole rows of "
                    + features + " features");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException(who + ": feature " + (i % features) + " of example "
                        + (firstExample + i / features) + " is " + x[i]);
            }
        }
    }
}
