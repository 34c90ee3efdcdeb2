package dev.gatun.cli;

import dev.gatun.tracking.RunTable;
import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gatun runs show RUN}: one tracked run in full. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print one tracked run: status, times, machine, lineage, tags, hyperparameters, final metrics,"
                + " epochs and config.")
final class RunsShowCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private TrackingOptions store;

    @Parameters(paramLabel = "RUN", description = "the run's id (its folder's name), or a unique start of it")
    private String id;

    @Override
    public Integer call() throws Exception {
        try (TrackingStore s = store.open()) {
            List<TrackedRun> all = s.runs();
            List<TrackedRun> matches = all.stream().filter(r -> r.id().equals(id)).toList();
            if (matches.isEmpty()) {
                matches = all.stream().filter(r -> r.id().startsWith(id)).toList();
            }
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("no run '" + id + "' in tracking store " + s.description()
                        + " (gatun runs lists them; gatun runs import DIR records existing run folders)");
            }
            if (matches.size() > 1) {
                throw new IllegalArgumentException("'" + id + "' names " + matches.size() + " runs in " + s.description()
                        + ": " + String.join(", ", matches.stream().map(TrackedRun::id).limit(5).toList())
                        + (matches.size() > 5 ? ", ..." : "") + "; give more of the id");
            }
            String runId = matches.getFirst().id();
            TrackedRun run = s.run(runId).orElseThrow();
            List<String> children = all.stream().filter(r -> runId.equals(r.parentOrNull())).map(TrackedRun::id).toList();
            PrintWriter out = spec.commandLine().getOut();
            out.print(RunTable.show(run, children, Instant.now()));
            out.flush();
        }
        return 0;
    }
}
