package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gatun.config.ConfigLoader;
import dev.gatun.tracking.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** The sweep's table: finished trials by value, then pruned ones longest first, then failed ones. */
class SweepSummaryTest {
    @TempDir
    Path tmp;

    private static final SweepSettings SETTINGS = SweepSettings.parse(ConfigLoader.parseYaml("""
            search:
              method: tpe
              trials: 4
              metric: val_accuracy
              params:
                optimizer.lr: {type: loguniform, low: 1.0e-4, high: 0.1}
                model.layers[1].type: [relu, tanh]
            """, "t"));

    private static TrialRecord trial(int n, RunState state, double value, int epochs, String note) {
        Map<String, JsonNode> p = Map.of("optimizer.lr", JsonNodeFactory.instance.numberNode(0.001 * (n + 1)),
                "model.layers[1].type", JsonNodeFactory.instance.stringNode("relu"));
        return new TrialRecord(n, new java.util.TreeMap<>(p).descendingMap(), state, value,
                java.util.Collections.nCopies(epochs, value), state == RunState.FAILED ? null : "run-" + n, note);
    }

    @Test
    void ranksByTheGoalAndWritesEveryColumn() throws Exception {
        SweepSummary s = new SweepSummary(SETTINGS, List.of(
                trial(0, RunState.FINISHED, 0.80, 5, ""),
                trial(1, RunState.PRUNED, 0.70, 2, "pruned after epoch 2: below the median"),
                trial(2, RunState.FAILED, Double.NaN, 1, "diverged, loss NaN"),
                trial(3, RunState.FINISHED, 0.95, 5, ""),
                trial(4, RunState.PRUNED, 0.60, 3, "pruned after epoch 3: below the median")));
        // val_accuracy: higher is better.
        assertEquals(List.of(3, 0, 4, 1, 2), s.ranked().stream().map(TrialRecord::number).toList());
        assertEquals(3, s.bestOrNull().number());
        List<String> text = s.text();
        assertEquals("trial  state     val_accuracy  epochs  optimizer.lr  model.layers[1].type  run", text.get(0));
        assertEquals("3      finished  0.950000      5       0.004         relu                  run-3", text.get(1));
        s.writeCsv(tmp);
        List<String> csv = Files.readAllLines(tmp.resolve(SweepSummary.CSV_FILE));
        assertEquals("trial,state,val_accuracy,epochs,optimizer.lr,model.layers[1].type,run,note", csv.get(0));
        assertEquals("2,failed,,1,0.003,relu,,\"diverged, loss NaN\"", csv.get(5));
        assertNull(new SweepSummary(SETTINGS, List.of(trial(1, RunState.PRUNED, 0.7, 2, ""))).bestOrNull());
    }
}
