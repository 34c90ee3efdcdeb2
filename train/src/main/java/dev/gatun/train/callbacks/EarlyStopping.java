package dev.gatun.train.callbacks;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stops training once a monitored metric has not improved for {@code patience} epochs in a row
 * (Keras' EarlyStopping): an epoch improves when its value beats the best so far by more than
 * {@code minDelta} ({@code value < best − minDelta} in mode MIN, {@code value > best + minDelta}
 * in MAX); NaN never improves. With {@code restoreBestWeights}, the parameters of the best epoch
 * are copied aside (into tensors in each parameter's own scope, reused every time) and copied
 * back when it stops. Add it after callbacks that {@link EpochContext#putMetric add} the metric.
 * Checkpoints save its progress and the kept weights (key {@code early_stopping}).
 */
public final class EarlyStopping implements StatefulCallback {
    /** Whether a lower (loss) or higher (accuracy) value is better. */
    public enum Mode {
        /** Lower is better. */
        MIN,
        /** Higher is better. */
        MAX
    }

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

    /**
     * Stops on {@code monitor} (an {@link EpochContext} metric name) with the given rule.
     *
     * @param monitor the metric watched, an {@link EpochContext} metric name
     * @param mode whether lower or higher is better
     * @param patience the epochs without improvement tolerated
     * @param minDelta the least change that counts as an improvement
     * @param restoreBestWeights whether to restore the best epoch's weights when stopping
     */
    public EarlyStopping(String monitor, Mode mode, int patience, double minDelta, boolean restoreBestWeights) {
        if (monitor == null || monitor.isBlank()) {
            throw new IllegalArgumentException("monitor must name a metric, e.g. val_loss");
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

    /**
     * On the validation loss, restoring the best weights.
     *
     * @param patience the epochs without improvement tolerated
     * @return the callback
     */
    public static EarlyStopping onValidationLoss(int patience) {
        return new EarlyStopping("val_loss", Mode.MIN, patience, 0, true);
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

    /** {@return the best value seen (±∞ before the first epoch)} */
    public double best() {
        return best;
    }

    /** {@return the epoch with the best value, 0 if none} */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** {@return the epoch at which it stopped training, 0 if it has not} */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    @Override
    public String stateKey() {
        return "early_stopping";
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("best_epoch", (double) bestEpoch);
        s.put("wait", (double) wait);
        s.put("stopped_epoch", (double) stoppedEpoch);
        return s;
    }

    /** The best epoch's parameters by name, when they are kept. */
    @Override
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < bestWeights.size(); i++) {
            out.put(parameters.get(i).name(), bestWeights.get(i));
        }
        return out;
    }

    @Override
    public void restoreState(Trainer trainer, Map<String, Double> state, Map<String, Tensor> tensors) {
        double savedBest = StatefulCallback.require(this, state, "best");
        int savedBestEpoch = StatefulCallback.requireCount(this, state, "best_epoch");
        int savedWait = StatefulCallback.requireCount(this, state, "wait");
        int savedStopped = StatefulCallback.requireCount(this, state, "stopped_epoch");
        List<Parameter> ps = trainer.model().parameters();
        if (!tensors.isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (Parameter p : ps) {
                Tensor t = tensors.get(p.name());
                if (t == null) {
                    problems.add("no best weights for '" + p.name() + "'");
                } else if (t.dtype() != p.tensor().dtype() || !Arrays.equals(t.shape(), p.tensor().shape())) {
                    problems.add("best weights for '" + p.name() + "' are " + t.describe() + " but the parameter is "
                            + p.tensor().describe());
                }
            }
            if (tensors.size() != ps.size()) {
                problems.add(tensors.size() + " saved tensors for " + ps.size() + " parameters");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("callback 'early_stopping': " + String.join("; ", problems));
            }
        }
        best = savedBest;
        bestEpoch = savedBestEpoch;
        wait = savedWait;
        stoppedEpoch = savedStopped;
        bestWeights.clear();
        parameters = List.of();
        if (!tensors.isEmpty()) {
            for (Parameter p : ps) {
                Tensor w = p.tensor();
                Tensor kept = Tensor.zeros(w.scope(), w.device(), w.dtype(), w.shape());
                kept.copyFrom(tensors.get(p.name()));
                bestWeights.add(kept);
            }
            parameters = ps;
        }
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
                bestWeights.add(Tensor.zeros(w.scope(), w.device(), w.dtype(), w.shape()));
            }
        }
        parameters = ps;
        for (int i = 0; i < ps.size(); i++) {
            bestWeights.get(i).copyFrom(ps.get(i).tensor());
        }
    }
}
