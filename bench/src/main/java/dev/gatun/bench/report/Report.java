package dev.gatun.bench.report;

import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The benchmark report, from a result folder's saved {@code jmh.json} (and {@code machine.json}),
 * without rerunning anything.
 *
 * <pre>
 * Report name                  print a short name for this machine, e.g. amd-epyc-2core-simd256-cpu
 * Report machine DIR [NAME]    record this machine (CPU, vector width, GPU, libraries, JDK, commit) in DIR
 * Report render DIR            write DIR/report.md and its PNG plots from DIR/jmh.json
 * Report compare BEFORE AFTER  write AFTER/compare.md: every shared figure before and after, and the ratio
 * </pre>
 */
public final class Report {
    static final String JMH_FILE = "jmh.json";
    static final String REPORT_FILE = "report.md";
    static final String COMPARE_FILE = "compare.md";

    private Report() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: Report name | machine DIR [NAME] | render DIR | compare BEFORE AFTER");
            System.exit(2);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        switch (args[0]) {
            case "name" -> {
                need(args, 1, 1);
                System.out.println(MachineRecord.probe("", "").slug());
            }
            case "machine" -> {
                need(args, 2, 3);
                Path dir = Path.of(args[1]);
                String name = args.length > 2 ? args[2] : dir.getFileName().toString();
                MachineRecord.probe(name, MachineRecord.gitCommit()).write(dir);
            }
            case "render" -> {
                need(args, 2, 2);
                System.out.println("wrote " + render(Path.of(args[1])));
            }
            case "compare" -> {
                need(args, 3, 3);
                System.out.println("wrote " + compare(Path.of(args[1]), Path.of(args[2])));
            }
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
        }
    }

    private static void need(String[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new IllegalArgumentException("'" + args[0] + "' takes " + (min - 1)
                    + (max > min ? " to " + (max - 1) : "") + " argument(s), got " + (args.length - 1));
        }
    }

    /** Writes {@code report.md} and the plots into {@code dir}; returns the report's path. */
    public static Path render(Path dir) throws IOException {
        List<BenchResult> results = JmhResultFile.read(requireFile(dir.resolve(JMH_FILE)));
        MachineRecord machine = MachineRecord.readOrNull(dir);
        OptionalDouble peak = ReportTables.peak(results);
        StringBuilder md = new StringBuilder("# Benchmark report: ").append(dir.getFileName()).append("\n\n");
        md.append(machineSection(machine));
        md.append(peak.isPresent()
                ? String.format(Locale.ROOT, "fp32 FMA peak measured in this run (FmaPeak, all threads): **%.1f GFLOP/s**; "
                        + "percentages below are of it.%n%n", peak.getAsDouble())
                : "The run did not include FmaPeakBenchmark, so no figure is set against the peak.\n\n");
        md.append("Regenerate with `java -cp bench/target/gatun-benchmarks.jar dev.gatun.bench.report.Report render ")
                .append(dir).append("`; the raw results are in `").append(JMH_FILE).append("`.\n\n");
        md.append("## Results\n\n");
        for (Map.Entry<String, Map<String, Map<String, BenchResult>>> f : ReportTables.group(results).entrySet()) {
            md.append(ReportTables.table(f.getKey(), f.getValue(), peak));
            for (String png : ReportPlots.write(f.getKey(), f.getValue(), dir)) {
                md.append("![").append(f.getKey()).append("](").append(png).append(")\n\n");
            }
        }
        return writeAtomically(dir.resolve(REPORT_FILE), md.toString());
    }

    /** Writes {@code compare.md} into {@code after}: figures present in both runs, and after/before. */
    public static Path compare(Path before, Path after) throws IOException {
        List<BenchResult> a = JmhResultFile.read(requireFile(before.resolve(JMH_FILE)));
        List<BenchResult> b = JmhResultFile.read(requireFile(after.resolve(JMH_FILE)));
        Map<String, Map<String, Map<String, BenchResult>>> ga = ReportTables.group(a);
        StringBuilder md = new StringBuilder("# Comparison: ").append(before.getFileName()).append(" → ")
                .append(after.getFileName()).append("\n\n");
        md.append("Before:\n\n").append(machineSection(MachineRecord.readOrNull(before)));
        md.append("After:\n\n").append(machineSection(MachineRecord.readOrNull(after)));
        md.append("Speedup > 1 means the second run is faster (GFLOP/s where counted, otherwise the JMH score).\n\n");
        md.append("| family | case | variant | before | after | speedup |\n|---|---|---|---:|---:|---:|\n");
        int shared = 0;
        for (Map.Entry<String, Map<String, Map<String, BenchResult>>> f : ReportTables.group(b).entrySet()) {
            for (Map.Entry<String, Map<String, BenchResult>> c : f.getValue().entrySet()) {
                for (Map.Entry<String, BenchResult> v : c.getValue().entrySet()) {
                    BenchResult old = ga.getOrDefault(f.getKey(), Map.of()).getOrDefault(c.getKey(), Map.of())
                            .get(v.getKey());
                    if (old == null) {
                        continue;
                    }
                    shared++;
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f× |%n", f.getKey(), c.getKey(),
                            v.getKey(), value(old), value(v.getValue()), ReportTables.speedup(v.getValue(), old)));
                }
            }
        }
        if (shared == 0) {
            md.append("\nThe two runs share no benchmark case.\n");
        }
        return writeAtomically(after.resolve(COMPARE_FILE), md.toString());
    }

    private static String value(BenchResult r) {
        return r.gflops().isPresent() ? ReportTables.format(r.gflops().getAsDouble()) + " GFLOP/s"
                : ReportTables.format(r.score()) + " " + r.unit();
    }

    private static String machineSection(MachineRecord m) {
        if (m == null) {
            return "No `machine.json` in this folder: the machine is unrecorded.\n\n";
        }
        return "| machine | " + m.name() + " |\n|---|---|\n"
                + "| CPU | " + m.cpu() + ", " + m.cores() + " cores, " + m.threads() + " kernel threads |\n"
                + "| vector width | " + m.vectorWidth() + " |\n"
                + "| GPU | " + m.gpu() + " |\n"
                + "| CUDA libraries | " + String.join("<br>", m.cudaLibraries()) + " |\n"
                + "| OS | " + m.os() + " |\n"
                + "| JDK | " + m.jdk() + " |\n"
                + "| commit | " + m.commit() + " |\n"
                + "| date | " + m.date() + " |\n\n";
    }

    private static Path requireFile(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + " does not exist: run the benchmarks with '-rf json -rff " + f + "' first");
        }
        return f;
    }

    private static Path writeAtomically(Path target, String text) throws IOException {
        return writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code target} atomically (the run folders' write: temporary file, sync, rename). */
    static Path writeAtomically(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        return RunFolder.open(abs.getParent()).writeAtomically(abs.getFileName().toString(), bytes);
    }
}
