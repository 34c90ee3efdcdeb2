package dev.gatun.sweep;

import dev.gatun.tracking.RunState;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A sweep's trials as a table, best first: finished trials by their final metric, then pruned
 * ones (longest trained first), then failed ones. Printed at the end of a sweep and written to
 * its folder as {@value #CSV_FILE}.
 *
 * @param settings the sweep's settings (its metric, goal and parameters)
 * @param trials the ended trials
 */
public record SweepSummary(SweepSettings settings, List<TrialRecord> trials) {
    /** The table in the sweep folder. */
    public static final String CSV_FILE = "summary.csv";

    /** Copies the trials. */
    public SweepSummary {
        trials = List.copyOf(trials);
    }

    /** {@return the trials, best first} */
    public List<TrialRecord> ranked() {
        Comparator<TrialRecord> byState = Comparator.comparingInt(t -> switch (t.state()) {
            case FINISHED -> 0;
            case PRUNED -> 1;
            default -> 2;
        });
        Comparator<TrialRecord> byValue = (a, b) -> {
            if (Double.isNaN(a.value()) || Double.isNaN(b.value())) {
                return Boolean.compare(Double.isNaN(a.value()), Double.isNaN(b.value()));
            }
            return settings.minimize() ? Double.compare(a.value(), b.value()) : Double.compare(b.value(), a.value());
        };
        return trials.stream().sorted(byState.thenComparing(t -> t.state() == RunState.PRUNED ? -t.epochs() : 0)
                .thenComparing(byValue).thenComparingInt(TrialRecord::number)).toList();
    }

    /** {@return the best finished trial, or null when none finished} */
    public TrialRecord bestOrNull() {
        List<TrialRecord> r = ranked();
        return r.isEmpty() || r.getFirst().state() != RunState.FINISHED ? null : r.getFirst();
    }

    /** {@return the table's rows, header first: trial, state, the metric, epochs, each parameter, run, note} */
    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("trial", "state", settings.metric(), "epochs"));
        header.addAll(settings.params().dimensions().keySet());
        header.add("run");
        header.add("note");
        rows.add(header);
        for (TrialRecord t : ranked()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(t.number()), t.state().wire(),
                    Double.isNaN(t.value()) ? "" : String.format(Locale.ROOT, "%.6g", t.value()),
                    Integer.toString(t.epochs())));
            for (String path : settings.params().dimensions().keySet()) {
                JsonNode v = t.params().get(path);
                row.add(v == null ? "" : v.isString() ? v.stringValue() : v.toString());
            }
            row.add(t.runOrNull() == null ? "" : t.runOrNull());
            row.add(t.note());
            rows.add(row);
        }
        return rows;
    }

    /**
     * The table as aligned text, without the note column (the notes are in the CSV).
     *
     * @return the lines of the table
     */
    public List<String> text() {
        List<List<String>> rows = rows().stream().map(r -> r.subList(0, r.size() - 1)).toList();
        int[] width = new int[rows.getFirst().size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        List<String> out = new ArrayList<>();
        for (List<String> r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                b.append(i == 0 ? "" : "  ").append(i == r.size() - 1 ? r.get(i)
                        : String.format(Locale.ROOT, "%-" + width[i] + "s", r.get(i)));
            }
            out.add(b.toString().stripTrailing());
        }
        return out;
    }

    /**
     * Writes {@value #CSV_FILE} into the sweep folder, atomically.
     *
     * @param folder the sweep folder
     * @throws IOException when it cannot be written
     */
    public void writeCsv(Path folder) throws IOException {
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows()) {
            b.append(String.join(",", r.stream().map(SweepSummary::csvField).toList())).append('\n');
        }
        RunFolder.open(folder).writeAtomically(CSV_FILE, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
