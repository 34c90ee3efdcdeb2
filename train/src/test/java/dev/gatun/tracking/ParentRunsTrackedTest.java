package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.CrossValidationRunner;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.sweep.ExperimentTrials;
import dev.gatun.sweep.Sweep;
import dev.gatun.sweep.TrialRecord;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that trains nothing itself (a cross-validation's parent) is in the store, finished, with its folds as children. */
class ParentRunsTrackedTest {
    @TempDir
    Path runs;

    @Test
    void aCrossValidationsParentIsRecordedWithTheMeanOfItsFoldsAndItsChildrenNameIt() throws Exception {
        ExperimentConfig config = ConfigLoader.experiment(ConfigLoader.parseYaml("""
                name: cv-tracked
                seed: 3
                data: {source: synthetic, kind: blobs, n: 120}
                model: {layers: [{type: dense, units: 3}]}
                optimizer: {type: adam, lr: 0.05}
                training: {epochs: 2, batch: 16, folds: 3}
                """, "cv"), "cv-tracked", "the test's config");
        CrossValidationRunner.Result r = CrossValidationRunner.run(config, runs,
                new PrintStream(OutputStream.nullOutputStream()));
        String parentId = r.parent().path().getFileName().toString();
        try (TrackingStore store = TrackingTarget.forRuns(runs).open()) {
            TrackedRun parent = store.run(parentId).orElseThrow();
            assertEquals(RunState.FINISHED, parent.state());
            assertEquals("parent", parent.roleOrNull());
            assertEquals(r.summary().mean("val_accuracy"), parent.finalMetrics().get("val_accuracy"), 0.0);
            List<TrackedRun> children = store.runs().stream().filter(t -> parentId.equals(t.parentOrNull())).toList();
            assertEquals(3, children.size());
            assertTrue(children.stream().allMatch(c -> c.state() == RunState.FINISHED && "fold".equals(c.roleOrNull())));
        }
    }

    @Test
    void aSweepIsRecordedAsTheParentOfItsTrialsWithItsBestValue() throws Exception {
        Sweep sweep = Sweep.start(ConfigLoader.parseYaml("""
                name: tpe-tracked
                seed: 5
                data: {source: synthetic, kind: blobs, n: 120, validation: 0.25}
                model: {layers: [{type: dense, units: 3}]}
                optimizer: {type: adam, lr: 0.05}
                training: {epochs: 2, batch: 16}
                search:
                  method: tpe
                  trials: 3
                  startup_trials: 2
                  params:
                    optimizer.lr: {type: loguniform, low: 1.0e-3, high: 0.1}
                """, "sweep"), "tpe-tracked", runs);
        List<TrialRecord> trials = sweep.run(1, new ExperimentTrials(runs), new PrintStream(OutputStream.nullOutputStream()));
        String parentId = sweep.folder().getFileName().toString();
        try (TrackingStore store = TrackingTarget.forRuns(runs).open()) {
            TrackedRun parent = store.run(parentId).orElseThrow();
            assertEquals(RunState.FINISHED, parent.state());
            double best = trials.stream().mapToDouble(TrialRecord::value).min().orElseThrow();
            assertEquals(best, parent.finalMetrics().get("best_val_loss"), 0.0);
            assertEquals(3, store.runs().stream().filter(t -> parentId.equals(t.parentOrNull())
                    && "trial".equals(t.roleOrNull())).count());
        }
    }
}
