package dev.gatun.cli;

import dev.gatun.config.ModelExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gatun export RUN DIR}: a finished run as a small model folder to ship (how {@code pretrained/} is made). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Copy a finished classification run's model (config.json, model.json, model.safetensors) into DIR",
                "with a compact report.md (facts, epochs, test metrics, confusion matrix; no timings, no pictures)",
                "and accuracy.json (test accuracy as counted, sha256 of the weights). gatun eval, predict and",
                "train --init-from read DIR. Example: gatun export runs/fashion-mlp-20261206-101500 pretrained/fashion-mlp"})
final class ExportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "a finished run folder")
    private Path run;

    @Parameters(index = "1", paramLabel = "DIR", description = "the export folder (created; its model files are replaced)")
    private Path dest;

    @Option(names = "--config", paramLabel = "FILE", description = "the config file the run came from, as the report"
            + " names it (default: RUN's config.json)")
    private String configFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelExport.TestAccuracy a = ModelExport.write(run, dest,
                configFile != null ? configFile : run.resolve("config.json").toString());
        out.printf(Locale.ROOT, "exported %s to %s: test accuracy %d/%d, model.safetensors sha256 %s%n", run, dest,
                a.correct(), a.examples(), a.sha256());
        out.flush();
        return 0;
    }
}
