package dev.gatun.cli;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.data.FashionMnist;
import dev.gatun.kernels.Simd;
import dev.gatun.tensor.MemoryBudget;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatun info}: what this machine offers Gatun (backends, vector width, GPU, libraries, data). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show backends, devices, vector width, CUDA library paths and the data directory.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf("java:     %s (%s) at %s%n", Runtime.version(), System.getProperty("java.vendor"),
                System.getProperty("java.home"));
        out.printf("cpu:      %d cores, %s, max heap %d MiB%n", rt.availableProcessors(),
                System.getProperty("os.arch"), rt.maxMemory() >> 20);
        out.printf("memory:   budget %s for tensors (--max-memory or -D%s)%n", MemoryBudget.format(MemoryBudget.limit()),
                MemoryBudget.PROPERTY);
        out.printf("vectors:  %s%s%n", Simd.describe(), Simd.ENABLED ? " (-Dgatun.simd=false turns SIMD off)" : "");
        String forced = System.getProperty(BackendRegistry.PROPERTY, "");
        out.printf("backends: %s; default cpu%s%n", String.join(", ", new TreeSet<>(BackendRegistry.names())),
                forced.isBlank() ? "" : ", forced to " + forced + " by -D" + BackendRegistry.PROPERTY);
        GpuAvailability gpu = Gpu.availability();
        out.println(gpu.available()
                ? "gpu:      " + gpu.deviceCount() + " CUDA device(s)"
                : "gpu:      none (" + gpu.reason() + ")");
        List<String> libraries = gpu.libraries();
        for (int i = 0; i < libraries.size(); i++) {
            out.printf("%s%s%n", i == 0 ? "cuda:     " : "          ", libraries.get(i));
        }
        String data;
        try {
            data = FashionMnist.locate(null).toString();
        } catch (FileNotFoundException e) {
            data = "not found (" + e.getMessage().lines().findFirst().orElse("") + "; see `make data`)";
        }
        out.printf("data:     fashion-mnist %s%n", data);
        return 0;
    }
}
