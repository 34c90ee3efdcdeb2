package dev.gatun.train;

import dev.gatun.optim.LossScaler;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.callbacks.StatefulCallback;
import java.util.Map;

/**
 * Carries a trainer's {@link LossScaler} through checkpoints as the callback state
 * {@code loss_scaler}, so a resumed fp16 run goes on with the scale, good-step count and
 * skipped steps it had. {@link Trainer#setPrecision} adds it; it does nothing between batches.
 */
final class LossScalerState implements StatefulCallback {
    private final LossScaler scaler;

    LossScalerState(LossScaler scaler) {
        this.scaler = scaler;
    }

    @Override
    public String stateKey() {
        return "loss_scaler";
    }

    @Override
    public Map<String, Double> state() {
        return scaler.state();
    }

    @Override
    public void restoreState(Trainer trainer, Map<String, Double> state, Map<String, Tensor> tensors) {
        try {
            scaler.restore(state);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("callback '" + stateKey() + "': " + e.getMessage(), e);
        }
    }
}
