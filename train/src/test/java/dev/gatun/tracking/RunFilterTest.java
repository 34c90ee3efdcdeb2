package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --where}, {@code --sort} and the table over runs in memory. */
class RunFilterTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static TrackedRun run(String id, RunState state, double lr, Double valAccuracy, Instant heartbeat, Map<String, String> tags) {
        return new TrackedRun(id, "exp", state, null, null, tags, "{}",
                Map.of("optimizer.lr", Double.toString(lr), "optimizer.type", "adam", "model.layers[0].units", "32"),
                valAccuracy == null ? Map.of() : Map.of("val_accuracy", valAccuracy), List.of(),
                new MachineFacts("cpu", 2, "SIMD off", "Linux", "h"), "1", null, "/r/" + id, NOW.minusSeconds(600),
                state == RunState.RUNNING ? null : heartbeat, heartbeat, null);
    }

    static final List<TrackedRun> RUNS = List.of(
            run("a", RunState.FINISHED, 0.001, 0.95, NOW.minusSeconds(60), Map.of("team", "vision")),
            run("b", RunState.FINISHED, 0.1, 0.80, NOW.minusSeconds(60), Map.of()),
            run("c", RunState.FINISHED, 0.005, 0.91, NOW.minusSeconds(60), Map.of("team", "nlp")),
            run("d", RunState.RUNNING, 0.002, null, NOW.minusSeconds(3600), Map.of()),
            run("e", RunState.RUNNING, 0.003, null, NOW.minusSeconds(5), Map.of()));

    static List<String> where(String expression) {
        return RUNS.stream().filter(RunFilter.parse(expression).at(NOW)).map(TrackedRun::id).toList();
    }

    @Test
    void comparesHyperparametersAndFinalMetricsAsNumbers() {
        assertEquals(List.of("a", "c"), where("optimizer.lr < 0.01 and val_accuracy > 0.9"));
        assertEquals(List.of("a", "b", "c"), where("val_accuracy >= 0.8"));
        assertEquals(List.of("b"), where("optimizer.lr = 0.1"));
        assertEquals(List.of("a", "b", "c", "d", "e"), where("model.layers[0].units == 32"));
        assertEquals(List.of("b", "d", "e"), where("not (optimizer.lr < 0.01 and val_accuracy > 0.9)"));
        assertEquals(List.of("b", "c"), where("optimizer.lr > 0.004 or val_accuracy < 0.85"));
    }

    @Test
    void aKilledRunIsLostNotRunningAndNeverFinished() {
        assertEquals(List.of("d"), where("status = lost"));
        assertEquals(List.of("e"), where("status = running"));
        assertEquals(List.of("d", "e"), where("state = running"));
        assertEquals(List.of("a", "b", "c"), where("status = 'finished'"));
    }

    @Test
    void tagsNamesAndMissingValues() {
        assertEquals(List.of("a"), where("tag.team = vision"));
        assertEquals(List.of("a", "c"), where("tag.team is not null"));
        assertEquals(List.of("d", "e"), where("val_accuracy is null"));
        assertEquals(List.of("a", "c"), where("tag.team ~ N"));
        assertEquals(List.of("b", "d", "e"), where("tag.team != vision and tag.team != nlp"));
    }

    @Test
    void malformedExpressionsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunFilter.parse("optimizer.lr <"))
                .getMessage().contains("expected a value after 'optimizer.lr <' at the end"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunFilter.parse("lr like 3"))
                .getMessage().contains("unknown operator 'like'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunFilter.parse("(lr < 3"))
                .getMessage().contains("missing ')'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunFilter.parse("name = 'x"))
                .getMessage().contains("unclosed quote"));
        // Text that would be SQL is only a value to compare with.
        assertEquals(List.of(), where("name = \"x'; DROP TABLE runs; --\""));
    }

    @Test
    void sortsDescendingWithMissingValuesLast() {
        assertEquals(List.of("a", "c", "b", "d", "e"), RunTable.sort(RUNS, "-val_accuracy", NOW).stream()
                .map(TrackedRun::id).toList());
        assertEquals(List.of("b", "c", "a", "d", "e"), RunTable.sort(RUNS, "val_accuracy", NOW).stream()
                .map(TrackedRun::id).toList());
        assertEquals(List.of("a", "d", "e", "c", "b"), RunTable.sort(RUNS, "optimizer.lr", NOW).stream()
                .map(TrackedRun::id).toList());
    }

    @Test
    void theTableAndCsvShowTheDifferingHyperparametersAndTheMetrics() {
        List<String> columns = RunTable.defaultColumns(RUNS);
        assertEquals(List.of("id", "status", "started", "optimizer.lr", "val_accuracy"), columns);
        String table = RunTable.table(RUNS.subList(0, 2), columns, NOW);
        assertEquals("""
                id  status    started              optimizer.lr  val_accuracy
                a   finished  2026-12-01 11:50:00  0.001         0.95
                b   finished  2026-12-01 11:50:00  0.1           0.8
                """, table);
        String csv = RunTable.csv(RUNS.subList(3, 5), List.of("id", "status", "optimizer.lr", "tag.team"), NOW);
        assertEquals("id,status,optimizer.lr,tag.team\nd,lost,0.002,\ne,running,0.003,\n", csv);
    }
}
