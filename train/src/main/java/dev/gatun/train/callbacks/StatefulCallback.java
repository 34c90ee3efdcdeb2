package dev.gatun.train.callbacks;

import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.util.Map;

/**
 * A callback whose progress must survive a checkpoint (a schedule's step, early stopping's best
 * value and patience count). A checkpoint stores {@link #state()} under {@link #stateKey()} and
 * {@link #stateTensors()} in its {@code callbacks.safetensors}; a resumed trainer hands them back
 * to {@link #restoreState} after {@code onFitStart}.
 */
public interface StatefulCallback extends Callback {
    /** {@return the name the state is saved under; unique among a trainer's callbacks} */
    String stateKey();

    /** {@return the scalar state, by name; integers are stored as exact doubles, ±∞ is allowed} */
    Map<String, Double> state();

    /**
     * {@return the tensors that belong to the state (early stopping's best weights), by name; none by
     * default}
     */
    default Map<String, Tensor> stateTensors() {
        return Map.of();
    }

    /**
     * Restores what {@link #state()} and {@link #stateTensors()} returned when the checkpoint was
     * saved. Throws IllegalArgumentException naming a missing or bad entry before changing anything.
     *
     * @param trainer the trainer the callback belongs to
     * @param state the saved scalars
     * @param tensors the saved tensors
     */
    void restoreState(Trainer trainer, Map<String, Double> state, Map<String, Tensor> tensors);

    /**
     * {@code state.get(name)}, or an exception naming the callback and the missing entry.
     *
     * @param callback the callback, for the message
     * @param state the saved scalars
     * @param name the entry's name
     * @return the value
     */
    static double require(StatefulCallback callback, Map<String, Double> state, String name) {
        Double v = state.get(name);
        if (v == null) {
            throw new IllegalArgumentException("callback '" + callback.stateKey() + "': saved state has no '" + name
                    + "'; it has " + state.keySet());
        }
        return v;
    }

    /**
     * {@link #require} as a non-negative int.
     *
     * @param callback the callback, for the message
     * @param state the saved scalars
     * @param name the entry's name
     * @return the value, as an int
     */
    static int requireCount(StatefulCallback callback, Map<String, Double> state, String name) {
        double v = require(callback, state, name);
        if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            throw new IllegalArgumentException("callback '" + callback.stateKey() + "': saved '" + name
                    + "' must be a non-negative integer, got " + v);
        }
        return (int) v;
    }
}
