package dev.gatun.train.callbacks;

import dev.gatun.data.DataLoader;
import dev.gatun.tensor.DType;
import dev.gatun.train.Predictions;
import dev.gatun.train.metrics.ConfusionMatrix;

/**
 * After each epoch, classifies a data set (no-grad, evaluation mode) and adds its metrics to the
 * {@link EpochContext} for the callbacks after it (e.g. {@link EarlyStopping} on
 * {@code "val_macro_f1"}): {@code <prefix>_macro_precision}, {@code _macro_recall},
 * {@code _macro_f1}, {@code _top<k>_accuracy}. The epoch's confusion matrix stays readable.
 */
public final class ClassificationReport implements Callback {
    private final DataLoader data;
    private final String prefix;
    private final int topK;
    private ConfusionMatrix last;

    /**
     * Reports on {@code data} (int32 labels) under names starting with {@code prefix}, with top-{@code topK} accuracy.
     *
     * @param data the data set's batches, with int32 labels
     * @param prefix the start of the metric names, e.g. {@code val}
     * @param topK the k of the top-k accuracy
     */
    public ClassificationReport(DataLoader data, String prefix, int topK) {
        if (data == null || prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("data and a non-blank prefix are required");
        }
        if (data.dataset().targetDType() != DType.INT32 || data.dataset().classes() < 1) {
            throw new IllegalArgumentException("a classification report needs int32 class labels; this data set has "
                    + data.dataset().targetDType() + " targets and " + data.dataset().classes() + " classes");
        }
        if (topK < 1 || topK > data.dataset().classes()) {
            throw new IllegalArgumentException("topK must be in [1, " + data.dataset().classes() + "], got " + topK);
        }
        this.data = data;
        this.prefix = prefix;
        this.topK = topK;
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        Predictions p = Predictions.of(context.trainer().model(), data);
        last = p.confusion();
        context.putMetric(prefix + "_macro_precision", last.macroPrecision());
        context.putMetric(prefix + "_macro_recall", last.macroRecall());
        context.putMetric(prefix + "_macro_f1", last.macroF1());
        context.putMetric(prefix + "_top" + topK + "_accuracy", p.topK(topK));
    }

    /** {@return the confusion matrix of the last epoch, or null before the first} */
    public ConfusionMatrix lastMatrix() {
        return last;
    }
}
