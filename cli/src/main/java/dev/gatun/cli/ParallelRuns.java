package dev.gatun.cli;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tracking.RunLineage;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Trains experiments side by side, each in a JVM of its own ({@code gatun train --jobs N}).
 *
 * <p>Separate processes, not threads: every run gets its own backend choice, memory and kernel
 * thread pool, and a run that fails or runs out of memory takes no other down. The cores are
 * shared out ({@code -Dgatun.threads}) and so is the memory budget ({@code -Dgatun.maxMemory}: the
 * runs together hold no more than it), each run's console output goes to {@code train.log} in
 * its run folder, and this process prints one line as each run ends.
 */
final class ParallelRuns {
    private static final Pattern RUN_FOLDER = Pattern.compile("^run folder: (.+?) \\(report: ", Pattern.MULTILINE);

    private ParallelRuns() {}

    /** What one child run gave: its run folder (null if it failed) and its log. */
    record Outcome(ExperimentConfig config, Path folderOrNull, int exitCode, Path log) {}

    static List<Outcome> run(List<ExperimentConfig> experiments, Path runs, int jobs, boolean live, PrintWriter out)
            throws IOException, InterruptedException {
        return run(experiments, java.util.Collections.nCopies(experiments.size(), RunLineage.NONE), runs, jobs, live,
                out);
    }

    /** Like {@link #run(List, Path, int, boolean, PrintWriter)}, each run with its lineage (a fold's parent, say). */
    static List<Outcome> run(List<ExperimentConfig> experiments, List<RunLineage> lineages, Path runs, int jobs,
            boolean live, PrintWriter out) throws IOException, InterruptedException {
        Files.createDirectories(runs);
        Path pending = Files.createTempDirectory(runs, ".pending-");
        int threadsEach = Math.max(1, Runtime.getRuntime().availableProcessors() / jobs);
        long memoryEach = Math.max(1, MemoryBudget.limit() / jobs);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < experiments.size(); i++) {
                ExperimentConfig c = experiments.get(i);
                Path config = pending.resolve(i + "-" + c.name() + ".json");
                // The normalized config spells out every default, so the child trains exactly this trial.
                Files.writeString(config, ConfigLoader.toJson(c.normalized()) + "\n", StandardCharsets.UTF_8);
                Path log = pending.resolve(i + "-" + c.name() + ".log");
                Path lineage = null;
                if (!lineages.get(i).isEmpty()) {
                    lineage = Files.createDirectories(pending.resolve(i + "-" + c.name() + ".lineage"));
                    lineages.get(i).write(RunFolder.open(lineage));
                }
                int n = i + 1;
                Path lineageDir = lineage;
                futures.add(pool.submit(() -> {
                    Outcome o = child(c, config, lineageDir, log, runs, threadsEach, memoryEach, live);
                    synchronized (out) {
                        out.printf(Locale.ROOT, "[%d/%d] %s: %s%n", n, experiments.size(), c.name(),
                                o.folderOrNull() != null ? "done, " + o.folderOrNull()
                                        : "FAILED (exit " + o.exitCode() + "), log " + o.log() + ":\n" + tail(o.log()));
                        out.flush();
                    }
                    return o;
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("a run could not be started: " + e.getCause().getMessage(), e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            deleteIfDone(pending);
        }
    }

    private static Outcome child(ExperimentConfig c, Path config, Path lineageOrNull, Path log, Path runs, int threads,
            long memory, boolean live) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-Dgatun.threads=") && !arg.startsWith("-D" + MemoryBudget.PROPERTY + "=")
                    && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.add("-Dgatun.threads=" + threads);
        command.add("-D" + MemoryBudget.PROPERTY + "=" + memory);
        String tracking = System.getProperty(dev.gatun.tracking.TrackingTarget.PROPERTY);
        if (tracking != null && !tracking.isBlank()) {
            // --tracking set it in this process only: the child records to the same store.
            command.add("-D" + dev.gatun.tracking.TrackingTarget.PROPERTY + "=" + tracking);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GatunCli.class.getName());
        command.addAll(List.of("train", config.toString(), "--runs", runs.toString()));
        if (lineageOrNull != null) {
            command.addAll(List.of("--lineage", lineageOrNull.toString()));
        }
        if (live) {
            // The parent found or started a Studio first: the child finds it through its file.
            command.add("--live");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int code = p.waitFor();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = RUN_FOLDER.matcher(text);
        Path folder = code == 0 && m.find() ? Path.of(m.group(1)) : null;
        if (folder != null) {
            Path kept = folder.resolve("train.log");
            Files.move(log, kept, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(config);
            return new Outcome(c, folder, code, kept);
        }
        return new Outcome(c, null, code, log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Removes the scratch folder unless it still holds the log of a failed run. */
    private static void deleteIfDone(Path pending) throws IOException {
        try (Stream<Path> files = Files.list(pending)) {
            if (files.anyMatch(f -> f.toString().endsWith(".log"))) {
                return;
            }
        }
        try (Stream<Path> walk = Files.walk(pending)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
