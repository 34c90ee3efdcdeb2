package dev.gatun.train.callbacks;

import dev.gatun.train.Trainer;
import java.util.function.Consumer;

/**
 * Hooks the {@link Trainer} calls during {@code fit}, in the order callbacks were added. Every
 * method does nothing by default.
 */
public interface Callback {
    /**
     * Before the first epoch of a {@code fit} call.
     *
     * @param trainer the trainer about to run
     */
    default void onFitStart(Trainer trainer) {}

    /**
     * After each optimizer step (inside the batch's scope: tensors made here are freed with it).
     *
     * @param context the batch's context
     */
    default void onBatchEnd(BatchContext context) {}

    /**
     * After each epoch, once its metrics are printed and logged.
     *
     * @param context the epoch's context
     */
    default void onEpochEnd(EpochContext context) {}

    /**
     * A callback running {@code action} after each epoch, e.g. {@code ctx -> scheduler.step()} for an LrScheduler.
     *
     * @param action what to run
     * @return the callback
     */
    static Callback afterEachEpoch(Consumer<EpochContext> action) {
        return new Callback() {
            @Override
            public void onEpochEnd(EpochContext context) {
                action.accept(context);
            }
        };
    }

    /**
     * A callback running {@code action} after each optimizer step.
     *
     * @param action what to run
     * @return the callback
     */
    static Callback afterEachBatch(Consumer<BatchContext> action) {
        return new Callback() {
            @Override
            public void onBatchEnd(BatchContext context) {
                action.accept(context);
            }
        };
    }
}
