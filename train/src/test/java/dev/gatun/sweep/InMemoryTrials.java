package dev.gatun.sweep;

import dev.gatun.config.PreparedExperiment;
import dev.gatun.tensor.Scope;
import dev.gatun.tracking.RunState;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.Callback;

/**
 * Trains each trial for real, as {@link ExperimentTrials} does, but without a run folder, plots
 * or reports: for comparisons that run hundreds of trials. The value is the final validation
 * loss (there is no schedule or early stopping in the configs it is used with).
 */
final class InMemoryTrials implements TrialRunner {
    @Override
    public TrialResult run(Trial trial) throws Exception {
        try (Scope scope = Scope.open("trial " + trial.number())) {
            PreparedExperiment p = PreparedExperiment.prepare(trial.config(), null, "trial " + trial.number(), scope);
            Trainer trainer = new Trainer(p.module(), p.optimizer(), p.loss(), trial.log(), false);
            String metric = trial.monitor().metric();
            trainer.addCallback(Callback.afterEachEpoch(ctx -> trial.monitor().epochEnded(ctx.epoch(), ctx.metric(metric))));
            trainer.fit(p.train(), p.validation(), trial.config().training().epochs(), null);
            return new TrialResult(RunState.FINISHED, trainer.evaluate(p.validation()).loss(), null, "");
        }
    }
}
