package dev.gatun.cli;

import dev.gatun.report.Comparison;
import dev.gatun.report.ComparisonReport;
import dev.gatun.tracking.TrackingTarget;
import dev.gatun.train.metrics.RunFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatun compare RUN...}: ranks finished runs by one metric of their saved models and writes a
 * comparison report; runs that failed are listed as failed, not ranked.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Rank run folders by a metric of their saved models; write comparison.html/.md/.csv with"
                + " overlaid curves. Failed runs are listed, not ranked.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "run folders (each with metrics.json)")
    private List<Path> runs;

    @Option(names = "--metric", defaultValue = "val_accuracy",
            description = "metric to rank by, for the weights each run saved: its final evaluation (val_*, test_*)"
                    + " or else its last epoch, never an earlier best epoch (default: ${DEFAULT-VALUE})")
    private String metric;

    @Option(names = "--lower-is-better", negatable = true,
            description = "rank the lowest value first (default: yes for *loss, *mse, *mae, *error)")
    private Boolean lowerIsBetter;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where the report goes (default: a new runs/compare-<date>-<time>/)")
    private Path out;

    @Override
    public Integer call() throws Exception {
        // `gatun compare runs/*` also names the tracking store's files beside the run folders.
        List<Path> folders = runs.stream().filter(p -> !TrackingTarget.isStoreFile(p)).toList();
        if (folders.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no run folder among " + runs);
        }
        Path dir = out != null ? out : RunFolder.create(Path.of("runs"), "compare").path();
        java.nio.file.Files.createDirectories(dir);
        Comparison c = ComparisonReport.write(dir, folders, metric, MetricGoal.higherIsBetter(metric, lowerIsBetter));
        ComparisonTable.print(spec.commandLine().getOut(), c, dir);
        return 0;
    }
}
