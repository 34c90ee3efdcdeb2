package dev.gatun.sweep;

import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.tracking.RunLineage;
import dev.gatun.tracking.RunState;
import dev.gatun.tracking.TrialPruned;
import dev.gatun.train.callbacks.Callback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Trains each trial with {@link ExperimentRunner}, into its own run folder under the runs
 * directory, with a callback that reports the sweep's metric after every epoch (and so may prune
 * it). A finished trial's value is its final metric, the one of the weights it saved; a pruned
 * trial keeps its folder with the metrics of the epochs it trained.
 *
 * @param runsDir where the trials' run folders go
 */
public record ExperimentTrials(Path runsDir) implements TrialRunner {
    @Override
    public TrialResult run(Trial trial) throws IOException {
        String metric = trial.monitor().metric();
        Callback report = Callback.afterEachEpoch(ctx -> trial.monitor().epochEnded(ctx.epoch(), ctx.metric(metric)));
        try {
            ExperimentResult r = ExperimentRunner.run(trial.config(), runsDir, trial.log(), prepared -> List.of(report),
                    trial.lineage());
            double value = r.metric(metric);
            if (Double.isNaN(value) && !r.history().isEmpty()) {
                // train_* have no final evaluation: the last epoch's is the saved model's.
                value = metric.equals("train_loss") ? r.history().getLast().trainLoss()
                        : metric.equals("train_accuracy") ? r.history().getLast().trainAccuracy() : Double.NaN;
            }
            return new TrialResult(RunState.FINISHED, value, r.folder().path().getFileName().toString(), "");
        } catch (TrialPruned e) {
            return new TrialResult(RunState.PRUNED, Double.NaN, folderOf(trial), e.getMessage());
        }
    }

    /**
     * The run folder of a trial that ended without a result: the one under the runs directory
     * whose {@value RunLineage#FILE} names the trial's sweep and number.
     */
    private String folderOf(Trial trial) throws IOException {
        String prefix = trial.config().name() + "-";
        try (Stream<Path> dirs = Files.list(runsDir)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                RunLineage l = RunLineage.read(d);
                if (trial.lineage().parentOrNull().equals(l.parentOrNull())
                        && trial.lineage().tags().get("trial").equals(l.tags().get("trial"))) {
                    return d.getFileName().toString();
                }
            }
        }
        return null;
    }
}
