package dev.gatun.cli;

import dev.gatun.tracking.RunFilter;
import dev.gatun.tracking.RunTable;
import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gatun runs}: lists the tracked runs, filtered, sorted, as a table or CSV. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        subcommands = {RunsShowCommand.class, RunsImportCommand.class},
        description = {"List the runs in the tracking store: filter, sort, choose columns; print a table or CSV.",
                "Columns: id, name, status (a running run whose heartbeat is old shows 'lost'), state, parent, role,"
                        + " started, ended, seconds, folder, machine, version, commit, error, tag.NAME, any final"
                        + " metric (val_accuracy, test_loss, ...) and any hyperparameter (optimizer.lr,"
                        + " 'model.layers[0].units', ...).",
                "Examples: gatun runs --where 'optimizer.lr < 0.01 and val_accuracy > 0.9' --sort -val_accuracy"
                        + " | gatun runs --columns id,optimizer.lr,val_accuracy --format csv | gatun runs show RUN"
                        + " | gatun runs import runs/"})
final class RunsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private TrackingOptions store;

    @Option(names = "--where", paramLabel = "EXPR",
            description = "keep the runs that pass, e.g. 'optimizer.lr < 0.01 and val_accuracy > 0.9 and status ="
                    + " finished'; operators = != < <= > >= ~ (contains), 'is null', and, or, not, parentheses")
    private String where;

    @Option(names = "--sort", paramLabel = "COLUMNS",
            description = "sort by columns, '-' first for descending, e.g. -val_accuracy,name (default: started)")
    private String sort;

    @Option(names = "--columns", paramLabel = "A,B,C", split = ",",
            description = "the columns to show (default: id, status, started, the hyperparameters that differ, the"
                    + " usual final metrics)")
    private List<String> columns;

    @Option(names = "--format", paramLabel = "table|csv", defaultValue = "table",
            description = "table (aligned text) or csv (default: ${DEFAULT-VALUE})")
    private String format;

    @Option(names = "--limit", paramLabel = "N", description = "show the first N runs only")
    private Integer limit;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("table") && !format.equals("csv")) {
            throw new ParameterException(spec.commandLine(), "--format must be table or csv, got '" + format + "'");
        }
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
        }
        RunFilter.Condition condition;
        try {
            condition = RunFilter.parse(where);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Instant now = Instant.now();
        List<TrackedRun> runs;
        try (TrackingStore s = store.open()) {
            runs = s.runs().stream().filter(condition.at(now)).toList();
        }
        runs = RunTable.sort(runs, sort, now);
        if (limit != null) {
            runs = runs.subList(0, Math.min(limit, runs.size()));
        }
        List<String> shown = columns == null || columns.isEmpty() ? RunTable.defaultColumns(runs)
                : Arrays.stream(columns.toArray(String[]::new)).map(String::strip).toList();
        PrintWriter out = spec.commandLine().getOut();
        out.print(format.equals("csv") ? RunTable.csv(runs, shown, now) : RunTable.table(runs, shown, now));
        out.flush();
        return 0;
    }
}
