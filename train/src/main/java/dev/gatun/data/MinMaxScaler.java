package dev.gatun.data;

/**
 * Per-feature min-max scaling fitted on training data: x' = (x - min) / (max - min), so the
 * training values land in [0, 1] (other splits may fall outside). A constant feature maps to 0.
 */
public final class MinMaxScaler {
    private final float[] min;
    private final float[] max;
    private final float[] scale;

    private MinMaxScaler(float[] min, float[] max) {
        this.min = min;
        this.max = max;
        this.scale = new float[min.length];
        for (int j = 0; j < min.length; j++) {
            float range = max[j] - min[j];
            scale[j] = range > 0 ? 1f / range : 1f;
        }
    }

    /**
     * Fits the per-feature minimum and maximum of every example of {@code train}, a chunk at a time.
     *
     * @param train the training data
     * @return the fitted scaler
     */
    public static MinMaxScaler fit(Dataset train) {
        int features = FeatureStatistics.featureSize(train, "min-max scaler");
        float[] min = filled(features, Float.POSITIVE_INFINITY);
        float[] max = filled(features, Float.NEGATIVE_INFINITY);
        DatasetScan.scan(train, (from, count, x, targets) -> {
            FeatureStatistics.checkRows(x, features, "min-max scaler", from);
            widen(min, max, x);
        });
        return new MinMaxScaler(min, max);
    }

    /**
     * A scaler from saved minima and maxima (e.g. a trained model's {@code model.json}).
     *
     * @param min the per-feature minima
     * @param max the per-feature maxima
     * @return the scaler
     */
    public static MinMaxScaler of(float[] min, float[] max) {
        if (min.length != max.length || min.length == 0) {
            throw new IllegalArgumentException("min-max scaler: " + min.length + " minima and " + max.length
                    + " maxima; need the same number, at least 1");
        }
        for (int j = 0; j < min.length; j++) {
            if (!Float.isFinite(min[j]) || !Float.isFinite(max[j]) || min[j] > max[j]) {
                throw new IllegalArgumentException("min-max scaler: feature " + j + " has min " + min[j] + " and max "
                        + max[j] + "; need finite values with min <= max");
            }
        }
        return new MinMaxScaler(min.clone(), max.clone());
    }

    /**
     * Fits on rows of a flat array [N * features].
     *
     * @param x the examples, row-major [N * features]
     * @param features the values per example
     * @return the fitted scaler
     */
    public static MinMaxScaler fit(float[] x, int features) {
        FeatureStatistics.checkRows(x, features, "min-max scaler", 0);
        float[] min = filled(features, Float.POSITIVE_INFINITY);
        float[] max = filled(features, Float.NEGATIVE_INFINITY);
        widen(min, max, x);
        return new MinMaxScaler(min, max);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static void widen(float[] min, float[] max, float[] x) {
        int f = min.length;
        for (int i = 0; i < x.length; i++) {
            int j = i % f;
            min[j] = Math.min(min[j], x[i]);
            max[j] = Math.max(max[j], x[i]);
        }
    }

    /**
     * {@code source} with scaled features, computed as batches are filled.
     *
     * @param source the data set
     * @return the scaled data set
     */
    public Dataset transform(Dataset source) {
        return new AffineFeatures(source, min, scale, "min-max scaler");
    }

    /**
     * Scaled copy of rows of a flat array [N * features].
     *
     * @param x the examples, row-major [N * features]
     * @return the scaled copy
     */
    public float[] transform(float[] x) {
        return AffineFeatures.apply(x, min, scale, "min-max scaler");
    }

    /** {@return the fitted minima (a copy)} */
    public float[] min() {
        return min.clone();
    }

    /** {@return the fitted maxima (a copy)} */
    public float[] max() {
        return max.clone();
    }
}
