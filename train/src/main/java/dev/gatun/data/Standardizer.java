package dev.gatun.data;

/**
 * Per-feature standardization fitted on training data: x' = (x - mean) / std, with the
 * population std (divide by N, as scikit-learn). A constant feature (std 0) is only centered,
 * so it becomes 0 rather than NaN. Fit on the training split, then {@link #transform} every split.
 */
public final class Standardizer {
    private final float[] mean;
    private final float[] std;
    private final float[] scale;

    private Standardizer(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
        this.scale = new float[std.length];
        for (int j = 0; j < std.length; j++) {
            scale[j] = std[j] > 0 ? 1f / std[j] : 1f;
        }
    }

    /**
     * Fits the per-feature mean and std of every example of {@code train}, in two passes of
     * {@link Dataset#fill} (mean first, then squared deviations, which stays accurate when the
     * mean is large against the spread).
     *
     * @param train the training data
     * @return the fitted standardizer
     */
    public static Standardizer fit(Dataset train) {
        int features = FeatureStatistics.featureSize(train, "standardizer");
        double[] sum = new double[features];
        DatasetScan.scan(train, (from, count, x, targets) -> {
            FeatureStatistics.checkRows(x, features, "standardizer", from);
            addSums(sum, x);
        });
        double[] mean = divide(sum, train.size());
        double[] sq = new double[features];
        DatasetScan.scan(train, (from, count, x, targets) -> addSquaredDeviations(sq, mean, x));
        return of(mean, divide(sq, train.size()));
    }

    /**
     * Fits one mean and one std per channel of image examples [channels, height, width], over every
     * pixel of that channel in every example (as torchvision's per-channel Normalize is usually
     * fitted), and spreads them over the channel's features: the result transforms, and is saved,
     * like a per-feature standardizer.
     *
     * @param train the training images
     * @return the fitted standardizer
     * @throws IllegalArgumentException when the examples are not [channels, height, width]
     */
    public static Standardizer fitPerChannel(Dataset train) {
        int[] shape = train.featureShape();
        if (shape.length != 3) {
            throw new IllegalArgumentException("per-channel standardization needs image examples [channels, height, "
                    + "width], got " + java.util.Arrays.toString(shape));
        }
        int features = FeatureStatistics.featureSize(train, "standardizer");
        int channels = shape[0];
        int plane = features / channels;
        double[] sum = new double[channels];
        DatasetScan.scan(train, (from, count, x, targets) -> {
            FeatureStatistics.checkRows(x, features, "standardizer", from);
            for (int i = 0; i < x.length; i++) {
                sum[i % features / plane] += x[i];
            }
        });
        double values = (double) train.size() * plane;
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / values;
        }
        double[] sq = new double[channels];
        DatasetScan.scan(train, (from, count, x, targets) -> {
            for (int i = 0; i < x.length; i++) {
                int c = i % features / plane;
                double d = x[i] - mean[c];
                sq[c] += d * d;
            }
        });
        double[] featureMean = new double[features];
        double[] featureVariance = new double[features];
        for (int j = 0; j < features; j++) {
            featureMean[j] = mean[j / plane];
            featureVariance[j] = sq[j / plane] / values;
        }
        return of(featureMean, featureVariance);
    }

    /**
     * Fits on rows of a flat array [N * features].
     *
     * @param x the examples, row-major [N * features]
     * @param features the values per example
     * @return the fitted standardizer
     */
    public static Standardizer fit(float[] x, int features) {
        FeatureStatistics.checkRows(x, features, "standardizer", 0);
        int n = x.length / features;
        double[] sum = new double[features];
        addSums(sum, x);
        double[] mean = divide(sum, n);
        double[] sq = new double[features];
        addSquaredDeviations(sq, mean, x);
        return of(mean, divide(sq, n));
    }

    private static void addSums(double[] sum, float[] x) {
        int f = sum.length;
        for (int i = 0; i < x.length; i++) {
            sum[i % f] += x[i];
        }
    }

    private static void addSquaredDeviations(double[] sq, double[] mean, float[] x) {
        int f = sq.length;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[i % f];
            sq[i % f] += d * d;
        }
    }

    private static double[] divide(double[] v, int n) {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] / n;
        }
        return out;
    }

    /**
     * A standardizer from saved statistics (e.g. a trained model's {@code model.json}), so new
     * data is transformed exactly as the training data was.
     *
     * @param mean the per-feature means
     * @param std the per-feature standard deviations
     * @return the standardizer
     */
    public static Standardizer of(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("standardizer: " + mean.length + " means and " + std.length
                    + " standard deviations; need the same number, at least 1");
        }
        for (int j = 0; j < std.length; j++) {
            if (!Float.isFinite(mean[j]) || !(std[j] >= 0) || !Float.isFinite(std[j])) {
                throw new IllegalArgumentException("standardizer: feature " + j + " has mean " + mean[j] + " and std "
                        + std[j] + "; need finite values and std >= 0");
            }
        }
        return new Standardizer(mean.clone(), std.clone());
    }

    private static Standardizer of(double[] mean, double[] variance) {
        float[] m = new float[mean.length];
        float[] sd = new float[mean.length];
        for (int j = 0; j < mean.length; j++) {
            m[j] = (float) mean[j];
            sd[j] = (float) Math.sqrt(variance[j]);
        }
        return new Standardizer(m, sd);
    }

    /**
     * {@code source} with standardized features, computed as batches are filled.
     *
     * @param source the data set
     * @return the standardized data set
     */
    public Dataset transform(Dataset source) {
        return new AffineFeatures(source, mean, scale, "standardizer");
    }

    /**
     * Standardized copy of rows of a flat array [N * features].
     *
     * @param x the examples, row-major [N * features]
     * @return the standardized copy
     */
    public float[] transform(float[] x) {
        return AffineFeatures.apply(x, mean, scale, "standardizer");
    }

    /** {@return the fitted means (a copy)} */
    public float[] mean() {
        return mean.clone();
    }

    /** {@return the fitted standard deviations (a copy); 0 for a constant feature} */
    public float[] std() {
        return std.clone();
    }
}
