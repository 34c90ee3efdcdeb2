package dev.gatun.cli;

import dev.gatun.config.ModelExport;
import dev.gatun.config.TrainedModel;
import dev.gatun.onnx.OnnxExporter;
import dev.gatun.tensor.Scope;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatun export RUN DIR}: a finished run as a small model folder to ship (how {@code pretrained/}
 * is made); {@code gatun export RUN --format onnx [--out FILE]}: the trained model as an ONNX file.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Copy a finished classification run's model (config.json, model.json, model.safetensors) into DIR",
                "with a compact report.md (facts, epochs, test metrics, confusion matrix; no timings, no pictures)",
                "and accuracy.json (test accuracy as counted, sha256 of the weights). gatun eval, predict and",
                "train --init-from read DIR. Example: gatun export runs/fashion-mlp-20261206-101500 pretrained/fashion-mlp",
                "With --format onnx: write the trained model (any run, export or checkpoint folder) as an ONNX model",
                "(opset 20) with its saved preprocessing as leading ops, to --out (default RUN/model.onnx).",
                "Example: gatun export runs/fashion-cnn-20261206-101500 --format onnx --out fashion-cnn.onnx"})
final class ExportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "a finished run folder")
    private Path run;

    @Parameters(index = "1", paramLabel = "DIR", arity = "0..1",
            description = "the export folder (created; its model files are replaced); not with --format onnx")
    private Path dest;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "files",
            description = "files (the default: the model folder DIR) or onnx (an ONNX file)")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "the ONNX file to write with --format onnx"
            + " (default: RUN/model.onnx)")
    private Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "the config file the run came from, as the report"
            + " names it (default: RUN's config.json)")
    private String configFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        switch (format) {
            case "onnx" -> {
                if (dest != null) {
                    throw new ParameterException(spec.commandLine(), "--format onnx writes one file: give it with"
                            + " --out FILE, not as DIR");
                }
                Path file = out != null ? out : run.resolve("model.onnx");
                try (Scope scope = Scope.open("export-onnx")) {
                    OnnxExporter.write(TrainedModel.load(run), file);
                }
                w.printf(Locale.ROOT, "exported %s to %s (ONNX, %d bytes)%n", run, file, Files.size(file));
            }
            case "files" -> {
                if (dest == null || out != null) {
                    throw new ParameterException(spec.commandLine(), dest == null ? "missing the export folder DIR"
                            : "--out is for --format onnx; the model folder is DIR");
                }
                ModelExport.TestAccuracy a = ModelExport.write(run, dest,
                        configFile != null ? configFile : run.resolve("config.json").toString());
                w.printf(Locale.ROOT, "exported %s to %s: test accuracy %d/%d, model.safetensors sha256 %s%n", run,
                        dest, a.correct(), a.examples(), a.sha256());
            }
            default -> throw new ParameterException(spec.commandLine(), "--format: unknown '" + format
                    + "' (known: files, onnx)");
        }
        w.flush();
        return 0;
    }
}
