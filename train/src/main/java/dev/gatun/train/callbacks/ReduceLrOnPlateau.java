package dev.gatun.train.callbacks;

import dev.gatun.optim.schedule.ReduceOnPlateau;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feeds a monitored metric to a {@link ReduceOnPlateau} after each epoch and sets the trainer's
 * learning rate to its answer. Checkpoints save the plateau's state (key {@code reduce_on_plateau}).
 */
public final class ReduceLrOnPlateau implements StatefulCallback {
    private final String monitor;
    private final ReduceOnPlateau plateau;

    /**
     * Watches {@code monitor} (an {@link EpochContext} metric name, e.g. {@code val_loss}).
     *
     * @param monitor the metric watched
     * @param plateau the schedule fed with the metric
     */
    public ReduceLrOnPlateau(String monitor, ReduceOnPlateau plateau) {
        if (monitor == null || monitor.isBlank() || plateau == null) {
            throw new IllegalArgumentException("a metric name and a ReduceOnPlateau are required");
        }
        this.monitor = monitor;
        this.plateau = plateau;
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        context.setLearningRate(plateau.observe(context.metric(monitor)));
    }

    @Override
    public String stateKey() {
        return "reduce_on_plateau";
    }

    @Override
    public Map<String, Double> state() {
        ReduceOnPlateau.State s = plateau.state();
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("lr", s.lr());
        out.put("best", s.best());
        out.put("bad_observations", (double) s.badObservations());
        out.put("cooldown_left", (double) s.cooldownLeft());
        return out;
    }

    @Override
    public void restoreState(Trainer trainer, Map<String, Double> state, Map<String, Tensor> tensors) {
        plateau.restore(new ReduceOnPlateau.State(StatefulCallback.require(this, state, "lr"),
                StatefulCallback.require(this, state, "best"),
                StatefulCallback.requireCount(this, state, "bad_observations"),
                StatefulCallback.requireCount(this, state, "cooldown_left")));
    }

    /** {@return the schedule being fed} */
    public ReduceOnPlateau plateau() {
        return plateau;
    }
}
