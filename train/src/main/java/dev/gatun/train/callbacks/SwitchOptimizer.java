package dev.gatun.train.callbacks;

import dev.gatun.nn.Parameter;
import dev.gatun.optim.Optimizer;
import java.util.List;
import java.util.function.Function;

/**
 * Replaces the optimizer after a given epoch, e.g. Adam for a fast start and SGD to finish:
 * {@code new SwitchOptimizer(5, ps -> new Sgd(ps, 0.01, 0.9, 0, 0, false))}. The factory gets
 * the model's parameters; the new optimizer starts with empty state.
 */
public final class SwitchOptimizer implements Callback {
    private final int afterEpoch;
    private final Function<List<Parameter>, Optimizer> factory;

    /**
     * Switches to the optimizer {@code factory} makes after epoch {@code afterEpoch}.
     *
     * @param afterEpoch the last epoch of the old optimizer, >= 1
     * @param factory makes the new optimizer from the model's parameters
     */
    public SwitchOptimizer(int afterEpoch, Function<List<Parameter>, Optimizer> factory) {
        if (afterEpoch < 1) {
            throw new IllegalArgumentException("afterEpoch must be >= 1, got " + afterEpoch);
        }
        if (factory == null) {
            throw new IllegalArgumentException("factory must not be null");
        }
        this.afterEpoch = afterEpoch;
        this.factory = factory;
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        if (context.epoch() == afterEpoch) {
            context.setOptimizer(factory.apply(context.trainer().model().trainableParameters()));
        }
    }
}
