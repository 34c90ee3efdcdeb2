package dev.gatun.cli;

import dev.gatun.tracking.RunImporter;
import dev.gatun.tracking.TrackingStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gatun runs import DIR}: records existing run folders in the tracking store. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Record existing run folders (config.json, metrics.json or metrics.csv, lineage.json) in the"
                + " tracking store; runs already there are left as they are, so importing twice changes nothing.")
final class RunsImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private TrackingOptions store;

    @Parameters(paramLabel = "DIR", description = "a run folder, or a folder of run folders (e.g. runs)")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        try (TrackingStore s = store.openOrCreate()) {
            RunImporter.Outcome o = RunImporter.importRuns(dir, s);
            PrintWriter out = spec.commandLine().getOut();
            o.imported().forEach(id -> out.println("imported " + id));
            o.skipped().forEach(why -> out.println("skipped " + why));
            out.printf("%d imported, %d skipped, into %s%n", o.imported().size(), o.skipped().size(), s.description());
            out.flush();
        }
        return 0;
    }
}
