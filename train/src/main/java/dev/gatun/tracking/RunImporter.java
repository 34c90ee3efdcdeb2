package dev.gatun.tracking;

import dev.gatun.report.RunMetrics;
import dev.gatun.train.metrics.MetricsLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gatun runs import DIR}: records existing run folders in a tracking store, from their
 * {@code config.json}, {@code metrics.json} (or {@code metrics.csv}) and {@code lineage.json}.
 * {@code DIR} is one run folder or a folder of them. A run the store already holds is left as it
 * is, so importing twice, or importing runs that recorded themselves, changes nothing.
 */
public final class RunImporter {
    private static final String CONFIG = "config.json";
    private static final String WEIGHTS = "model.safetensors";
    private static final MachineFacts UNKNOWN_MACHINE = new MachineFacts("unknown", 0, "unknown", "unknown", "unknown");

    private RunImporter() {}

    /**
     * What an import did.
     *
     * @param imported the ids of the runs recorded now
     * @param skipped the folders left out, each with why
     */
    public record Outcome(List<String> imported, List<String> skipped) {
        /** Copies the lists. */
        public Outcome {
            imported = List.copyOf(imported);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Imports the run folder {@code dir}, or every run folder in it.
     *
     * @param dir a run folder, or a folder of run folders
     * @param store the store to record them in
     * @return what was imported and what was skipped
     * @throws IOException when {@code dir} cannot be listed or the store cannot be written
     */
    public static Outcome importRuns(Path dir, TrackingStore store) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such folder (expected a run folder or a folder of them)");
        }
        List<Path> folders = new ArrayList<>();
        if (isRunFolder(dir)) {
            folders.add(dir);
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(Files::isDirectory).filter(RunImporter::isRunFolder).sorted().forEach(folders::add);
            }
        }
        List<String> imported = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path f : folders) {
            String id = f.getFileName().toString();
            if (store.run(id).isPresent()) {
                skipped.add(f + ": already tracked");
                continue;
            }
            try {
                store.put(read(f));
                imported.add(id);
            } catch (IllegalArgumentException | IOException e) {
                skipped.add(f + ": " + e.getMessage());
            }
        }
        return new Outcome(imported, skipped);
    }

    private static boolean isRunFolder(Path f) {
        return Files.isRegularFile(f.resolve(CONFIG)) || Files.isRegularFile(f.resolve(MetricsLog.JSON_FILE))
                || Files.isRegularFile(f.resolve(MetricsLog.CSV_FILE));
    }

    /**
     * The record of the run in {@code folder}.
     *
     * @param folder a run folder
     * @return its record
     * @throws IOException naming the file that cannot be read, in one line
     */
    public static TrackedRun read(Path folder) throws IOException {
        try {
            return readFolder(folder);
        } catch (IOException | IllegalArgumentException e) {
            // One line naming the folder: JSON parsers' messages run over several.
            String m = firstLine(e.getMessage());
            throw new IOException(m.contains(folder.toString()) ? m : folder + ": " + m, e);
        } catch (RuntimeException e) {
            // A reader below that failed in a way it does not document: still one line naming the folder.
            throw new IOException(folder + ": cannot be read: " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    private static String firstLine(String m) {
        String line = m == null ? "" : m.lines().findFirst().orElse("");
        return line.strip();
    }

    private static TrackedRun readFolder(Path folder) throws IOException {
        String id = folder.getFileName().toString();
        JsonNode config = JsonMapper.builder().build().createObjectNode();
        Path configFile = folder.resolve(CONFIG);
        if (Files.isRegularFile(configFile)) {
            try {
                config = JsonMapper.builder().build().readTree(text(configFile));
            } catch (RuntimeException e) {
                throw new IOException(configFile + ": not JSON: " + e.getMessage(), e);
            }
        }
        List<TrackedRun.Epoch> epochs = new ArrayList<>();
        Map<String, Double> finals = new LinkedHashMap<>();
        Map<String, String> facts = Map.of();
        Path metricsFile = folder.resolve(MetricsLog.JSON_FILE);
        Path stamp = configFile;
        if (Files.isRegularFile(metricsFile)) {
            RunMetrics m = RunMetrics.read(folder);
            m.epochs().forEach(e -> epochs.add(new TrackedRun.Epoch(e.epoch(), e.values())));
            finals.putAll(m.finalMetrics());
            facts = m.run();
            stamp = metricsFile;
        } else if (Files.isRegularFile(folder.resolve(MetricsLog.CSV_FILE))) {
            epochs.addAll(csvEpochs(folder.resolve(MetricsLog.CSV_FILE)));
            stamp = folder.resolve(MetricsLog.CSV_FILE);
        }
        String name = config.path("name").isString() ? config.get("name").asString()
                : facts.getOrDefault("config", facts.getOrDefault("sample", id));
        RunLineage lineage = RunLineage.read(folder);
        boolean done = !finals.isEmpty() || Files.isRegularFile(folder.resolve(WEIGHTS));
        Instant ended = Files.getLastModifiedTime(Files.exists(stamp) ? stamp : folder).toInstant();
        double seconds = 0;
        for (TrackedRun.Epoch e : epochs) {
            Double s = e.metrics().get("seconds");
            seconds += s != null && Double.isFinite(s) ? s : 0;
        }
        Instant started = ended.minusMillis((long) (seconds * 1000));
        return new TrackedRun(id, name, done ? RunState.FINISHED : RunState.FAILED, lineage.parentOrNull(),
                lineage.roleOrNull(), lineage.tags(), config.toString(), HyperParameters.flatten(config), finals, epochs,
                UNKNOWN_MACHINE, "unknown (imported)", null, folder.toAbsolutePath().normalize().toString(), started,
                ended, ended, done ? null : "imported without final metrics or weights: it did not finish");
    }

    /** The file's text, or an error naming it (not UTF-8, unreadable). */
    private static String text(Path file) throws IOException {
        try {
            return dev.gatun.io.Utf8Text.read(file, MetricsLog.MAX_JSON_BYTES, "a run folder's file");
        } catch (dev.gatun.io.FileTooLargeException | dev.gatun.io.MalformedUtf8Exception e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read: " + e, e);
        }
    }

    private static List<TrackedRun.Epoch> csvEpochs(Path csv) throws IOException {
        List<String> lines = text(csv).lines().toList();
        List<TrackedRun.Epoch> out = new ArrayList<>();
        if (lines.isEmpty()) {
            return out;
        }
        String[] header = lines.getFirst().split(",", -1);
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) {
                throw new IOException(csv + ": line " + (i + 1) + " has " + cells.length + " cells, the header "
                        + header.length);
            }
            Map<String, Double> m = new LinkedHashMap<>();
            int epoch;
            try {
                epoch = Integer.parseInt(cells[0].strip());
                for (int c = 1; c < cells.length; c++) {
                    m.put(header[c].strip(), cells[c].isBlank() ? Double.NaN : Double.parseDouble(cells[c].strip()));
                }
            } catch (NumberFormatException e) {
                throw new IOException(csv + ": line " + (i + 1) + ": not a number: " + e.getMessage(), e);
            }
            out.add(new TrackedRun.Epoch(epoch, m));
        }
        return out;
    }
}
