package dev.gatun.train.callbacks;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops training once a monitored metric has not improved for {@code patience} epochs in a row
 * (Keras' EarlyStopping): an epoch improves when its value beats the best so far by more than
 * {@code minDelta} ({@code value < best − minDelta} in mode MIN, {@code value > best + minDelta}
 * in MAX); NaN never improves. With {@code restoreBestWeights}, the parameters of the best epoch
 * are copied aside (into tensors in each parameter's own scope, reused every time) and copied
 * back when it stops. Add it after callbacks that {@link EpochContext#putMetric add} the metric.
 */
public final class EarlyStopping implements Callback {
    /** Whether a lower (loss) or higher (accuracy) value is better. */
    public enum Mode { MIN, MAX }

    private final String monitor;
    private final Mode mode;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;
    private final List<Tensor> bestWeights = new ArrayList<>();
    private List<Parameter> parameters = List.of();
    private double best;
    private int bestEpoch;
    private int wait;
    private int stoppedEpoch;

    /** Stops on {@code monitor} (an {@link EpochContext} metric name) with the given rule. */
    public EarlyStopping(String monitor, Mode mode, int patience, double minDelta, boolean restoreBestWeights) {
        if (monitor == null || monitor.isBlank()) {
            throw new IllegalArgumentException("monitor must name a metric, e.g. test_loss");
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("minDelta must be >= 0 and finite, got " + minDelta);
        }
        this.monitor = monitor;
        this.mode = mode;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
        reset();
    }

    /** On the test (validation) loss, restoring the best weights. */
    public static EarlyStopping onTestLoss(int patience) {
        return new EarlyStopping("test_loss", Mode.MIN, patience, 0, true);
    }

    @Override
    public void onFitStart(Trainer trainer) {
        reset();
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        double value = context.metric(monitor);
        if (improves(value)) {
            best = value;
            bestEpoch = context.epoch();
            wait = 0;
            if (restoreBestWeights) {
                snapshot(context.trainer().model().parameters());
            }
            return;
        }
        wait++;
        if (wait >= patience) {
            stoppedEpoch = context.epoch();
            context.requestStop();
            if (restoreBestWeights && bestEpoch > 0) {
                restoreBestWeights();
            }
        }
    }

    /** Copies the best epoch's parameters back into the model. */
    public void restoreBestWeights() {
        if (bestWeights.isEmpty()) {
            throw new IllegalStateException("no best weights kept: restoreBestWeights is off or no epoch improved");
        }
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).tensor().copyFrom(bestWeights.get(i));
        }
    }

    /** The best value seen (±∞ before the first epoch). */
    public double best() {
        return best;
    }

    /** The epoch with the best value, 0 if none. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The epoch at which it stopped training, 0 if it has not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    private void reset() {
        best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        bestEpoch = 0;
        wait = 0;
        stoppedEpoch = 0;
    }

    private boolean improves(double value) {
        return mode == Mode.MIN ? value < best - minDelta : value > best + minDelta;
    }

    private void snapshot(List<Parameter> ps) {
        if (bestWeights.size() != ps.size()) {
            bestWeights.clear();
            for (Parameter p : ps) {
                Tensor w = p.tensor();
                bestWeights.add(Tensor.zeros(w.scope(), w.dtype(), w.shape()));
            }
        }
        parameters = ps;
        for (int i = 0; i < ps.size(); i++) {
            bestWeights.get(i).copyFrom(ps.get(i).tensor());
        }
    }
}
