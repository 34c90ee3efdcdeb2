package dev.gatun.train.callbacks;

import dev.gatun.autograd.Autograd;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Module;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.TopKAccuracy;

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

    /** Reports on {@code data} (int32 labels) under names starting with {@code prefix}, with top-{@code topK} accuracy. */
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
        Module model = context.trainer().model();
        int classes = data.dataset().classes();
        int n = data.batchCount() * data.batchSize();
        int[] predicted = new int[n];
        int[] truth = new int[n];
        int seen = 0;
        double topHits = 0;
        int[] order = data.order(0);
        model.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int b = 0; b < data.batchCount(); b++) {
                try (Scope step = Scope.open("report step")) {
                    var batch = data.batch(order, b);
                    Tensor logits = model.forward(batch.features());
                    int[] p = logits.argmax().toIntArray();
                    int[] t = batch.labels().toIntArray();
                    System.arraycopy(p, 0, predicted, seen, p.length);
                    System.arraycopy(t, 0, truth, seen, t.length);
                    topHits += TopKAccuracy.of(logits, batch.labels(), topK) * t.length;
                    seen += t.length;
                }
            }
        } finally {
            model.train(true);
        }
        last = ConfusionMatrix.of(java.util.Arrays.copyOf(predicted, seen), java.util.Arrays.copyOf(truth, seen),
                classes);
        context.putMetric(prefix + "_macro_precision", last.macroPrecision());
        context.putMetric(prefix + "_macro_recall", last.macroRecall());
        context.putMetric(prefix + "_macro_f1", last.macroF1());
        context.putMetric(prefix + "_top" + topK + "_accuracy", seen == 0 ? Double.NaN : topHits / seen);
    }

    /** The confusion matrix of the last epoch, or null before the first. */
    public ConfusionMatrix lastMatrix() {
        return last;
    }
}
