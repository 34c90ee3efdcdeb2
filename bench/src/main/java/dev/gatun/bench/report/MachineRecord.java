package dev.gatun.bench.report;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The machine a result folder was measured on, kept beside the raw JMH JSON as
 * {@code machine.json}: a figure means nothing without the CPU, vector width, GPU, libraries,
 * JDK and commit behind it.
 */
public record MachineRecord(String name, String cpu, int cores, String vectorWidth, int threads, String os,
                            String jdk, String gpu, List<String> cudaLibraries, String commit, String date) {
    static final String FILE = "machine.json";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** Describes this machine now; {@code commit} comes from the caller (the Makefile knows the checkout). */
    public static MachineRecord probe(String name, String commit) {
        GpuAvailability gpu = Gpu.availability();
        java.util.List<String> libraries = new java.util.ArrayList<>(CudaLibraries.get().describe());
        libraries.addAll(cudaVersions());
        String gpuText = gpu.available() ? gpu.deviceCount() + " device(s): " + String.join("; ", gpu.libraries())
                : "none (" + gpu.reason() + ")";
        return new MachineRecord(name, cpuModel(), Runtime.getRuntime().availableProcessors(), Simd.describe(),
                Parallel.THREADS, System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"), System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version"), gpuText, libraries, commit,
                LocalDate.now(ZoneOffset.UTC).toString());
    }

    /**
     * A short file-name-safe name: the CPU model's first words, cores, vector width, and whether a
     * GPU was present, e.g. {@code amd-epyc-2core-simd256-cpu}.
     */
    public String slug() {
        String[] words = cpu.toLowerCase(Locale.ROOT).replaceAll("\\(.*?\\)", " ").replaceAll("[^a-z0-9]+", " ")
                .strip().split(" ");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(2, words.length); i++) {
            sb.append(words[i]).append('-');
        }
        String bits = vectorWidth.replaceAll(".*?(\\d+)-bit.*", "$1");
        sb.append(cores).append("core-simd").append(bits.matches("\\d+") ? bits : "off");
        return sb.append(gpu.startsWith("none") ? "-cpu" : "-cuda").toString();
    }

    /** Writes {@code machine.json} into {@code folder}. */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Report.writeAtomically(folder.resolve(FILE),
                (JSON.writeValueAsString(this) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Reads {@code machine.json} from {@code folder}, or null when the folder has none. */
    public static MachineRecord readOrNull(Path folder) throws IOException {
        Path f = folder.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            return JSON.readValue(Files.readString(f), MachineRecord.class);
        } catch (JacksonException e) {
            throw new IOException(f + ": not a machine record: " + e.getOriginalMessage(), e);
        }
    }

    /** The current commit of the checkout in the working directory, or "unknown". */
    public static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Versions the loaded libraries report of themselves (the driver's needs a driver). */
    private static List<String> cudaVersions() {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment v = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            if (CudaLibraries.get().isLoaded(dev.gatun.bindings.CudaLibrary.CUDART)) {
                if (dev.gatun.bindings.cuda.runtime.cudart_h.cudaRuntimeGetVersion(v) == 0) {
                    out.add("CUDA runtime " + version(v.get(java.lang.foreign.ValueLayout.JAVA_INT, 0)));
                }
                if (dev.gatun.bindings.cuda.runtime.cudart_h.cudaDriverGetVersion(v) == 0
                        && v.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) > 0) {
                    out.add("CUDA driver " + version(v.get(java.lang.foreign.ValueLayout.JAVA_INT, 0)));
                }
            }
            if (CudaLibraries.get().isLoaded(dev.gatun.bindings.CudaLibrary.CUDNN)) {
                long cudnn = dev.gatun.bindings.cudnn.cudnn_h.cudnnGetVersion(); // 9.24.0 is 92400
                out.add("cuDNN " + cudnn / 10000 + "." + cudnn % 10000 / 100 + "." + cudnn % 100);
            }
        } catch (RuntimeException | LinkageError e) {
            out.add("library versions unavailable: " + e.getMessage());
        }
        return out;
    }

    // CUDA encodes 13.0 as 13000.
    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no access: the architecture is the best we can say.
        }
        return System.getProperty("os.arch");
    }
}
