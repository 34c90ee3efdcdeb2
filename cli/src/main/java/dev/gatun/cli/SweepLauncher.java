package dev.gatun.cli;

import dev.gatun.config.ConfigException;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.report.Comparison;
import dev.gatun.report.ComparisonReport;
import dev.gatun.sweep.ExperimentTrials;
import dev.gatun.sweep.Sweep;
import dev.gatun.sweep.SweepSettings;
import dev.gatun.sweep.SweepSummary;
import dev.gatun.sweep.TrialRecord;
import dev.gatun.tracking.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Runs a sweep for {@code gatun train}: a config whose search section is a {@link SweepSettings}
 * sweep ({@code method: tpe}, or a pruner), started afresh or continued from its folder. Prints a
 * line per ended trial and the summary table; the finished trials are ranked in a comparison
 * report in the sweep folder.
 */
final class SweepLauncher {
    private SweepLauncher() {}

    /**
     * Checks a sweep's config, and a trial of it against the memory budget, before anything trains.
     * Each trial is checked again with its own values when it runs.
     */
    static void check(Path file, JsonNode tree) {
        try {
            ExperimentRunner.checkMemory(Sweep.validate(tree, ConfigLoader.defaultName(file)), file.toString());
        } catch (ConfigException e) {
            throw e.in(file.toString());
        }
    }

    /** Starts and runs each sweep in turn; 1 when one of them had no trial that did not fail. */
    static int startAll(Map<Path, JsonNode> sweeps, Path runs, int jobs, PrintWriter out) throws IOException,
            InterruptedException {
        int code = 0;
        for (Map.Entry<Path, JsonNode> e : sweeps.entrySet()) {
            Sweep sweep = Sweep.start(e.getValue(), ConfigLoader.defaultName(e.getKey()), runs);
            code = Math.max(code, run(sweep, runs, jobs, out));
        }
        return code;
    }

    static int run(Sweep sweep, Path runs, int jobs, PrintWriter out) throws IOException, InterruptedException {
        SweepSettings s = sweep.settings();
        int ended = s.trials() - sweep.remaining();
        out.printf(Locale.ROOT, "sweep %s: %s search, %d trials%s, %s %s is better%s, %d at a time; trial logs in %s%n",
                sweep.folder(), s.method(), s.trials(), ended > 0 ? " (" + ended + " ended before, not repeated)" : "",
                s.metric(), s.minimize() ? "lower" : "higher", s.prunerOrNull() == null ? "" : ", pruner "
                        + s.prunerOrNull(), jobs, sweep.folder().resolve(Sweep.LOGS));
        out.flush();
        PrintStream lines = WriterStream.of(out);
        List<TrialRecord> trials = sweep.run(jobs, new ExperimentTrials(runs), lines);
        lines.flush();
        SweepSummary summary = new SweepSummary(s, trials);
        summary.writeCsv(sweep.folder());
        out.println();
        summary.text().forEach(out::println);
        long pruned = trials.stream().filter(t -> t.state() == RunState.PRUNED).count();
        long failed = trials.stream().filter(t -> t.state() == RunState.FAILED).count();
        out.printf(Locale.ROOT, "%d finished, %d pruned, %d failed (table: %s)%n", trials.size() - pruned - failed,
                pruned, failed, sweep.folder().resolve(SweepSummary.CSV_FILE));
        List<Path> finished = summary.ranked().stream()
                .filter(t -> t.state() == RunState.FINISHED && t.runOrNull() != null)
                .map(t -> runs.resolve(t.runOrNull())).toList();
        TrialRecord best = summary.bestOrNull();
        if (best != null) {
            out.printf(Locale.ROOT, "best: trial %d, %s %.6g (the final model's, the one saved), run folder %s%n",
                    best.number(), s.metric(), best.value(), runs.resolve(best.runOrNull()));
        }
        if (finished.size() > 1) {
            Comparison c = ComparisonReport.write(sweep.folder(), finished, s.metric(), !s.minimize());
            ComparisonTable.print(out, c, sweep.folder());
        }
        out.flush();
        return failed == trials.size() ? 1 : 0;
    }
}
