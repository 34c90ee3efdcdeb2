package dev.gatun.cli;

import dev.gatun.config.ConfigLoader;
import dev.gatun.onnx.OnnxImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code gatun import MODEL.onnx --out RUN}: an ONNX model as a Gatun run folder. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Turn an ONNX model made of the supported ops (see the README's ONNX part) into a run folder",
                "(config.json, model.json, model.safetensors) that gatun eval, predict, train --init-from and",
                "export read. Nothing is written unless the whole model imports and loads back.",
                "Example: gatun import model.onnx --out runs/imported-cnn"})
final class ImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "the ONNX model")
    private Path model;

    @Option(names = "--out", required = true, paramLabel = "RUN",
            description = "the run folder to create (must not exist, or be empty)")
    private Path out;

    @Option(names = "--data", paramLabel = "CONFIG", description = "a config whose data section the run takes"
            + " (default: Fashion-MNIST, for models of 784 input values)")
    private Path dataConfig;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        JsonNode data = null;
        if (dataConfig != null) {
            data = ConfigLoader.read(dataConfig).get("data");
            if (data == null || !data.isObject()) {
                throw new ParameterException(spec.commandLine(), "--data: " + dataConfig + " has no data section");
            }
        }
        String file = out.toAbsolutePath().normalize().getFileName().toString();
        String name = file.matches("[A-Za-z0-9._=+-]+") && !file.startsWith(".") ? file : "imported";
        OnnxImporter.ImportedModel imported = OnnxImporter.read(model, name, data);
        OnnxImporter.write(imported, out);
        for (String note : imported.notes()) {
            w.println("note: " + note);
        }
        w.printf(Locale.ROOT, "imported %s to %s: %d layers, input %s%n", model, out,
                imported.config().model().layers().size(), java.util.Arrays.toString(imported.card().input()));
        w.flush();
        return 0;
    }
}
