package dev.gatun.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code gatun runs}' output: runs sorted and shown under chosen columns ({@link RunColumns}), as
 * an aligned text table or as CSV, and one run in full ({@link #show}).
 */
public final class RunTable {
    /** The final metrics shown by default, when some run has them. */
    private static final List<String> METRICS = List.of("val_accuracy", "val_loss", "test_accuracy", "test_loss",
            "test_mse", "test_r2");
    private static final int MAX_DEFAULT_PARAMS = 8;

    private RunTable() {}

    /**
     * Sorts {@code runs} by {@code spec}: comma-separated columns, each ascending, or descending
     * with a leading {@code -} ({@code -val_accuracy,name}). Runs without a value go last; ties
     * keep the given order.
     *
     * @param runs the runs
     * @param spec the sort, or null/blank for the given order
     * @param now the time to judge heartbeats at
     * @return the sorted runs
     */
    public static List<TrackedRun> sort(List<TrackedRun> runs, String spec, Instant now) {
        List<TrackedRun> out = new ArrayList<>(runs);
        if (spec == null || spec.isBlank()) {
            return out;
        }
        Comparator<TrackedRun> order = (a, b) -> 0;
        for (String part : spec.split(",")) {
            String p = part.strip();
            boolean descending = p.startsWith("-");
            String column = descending || p.startsWith("+") ? p.substring(1) : p;
            if (column.isEmpty()) {
                throw new IllegalArgumentException("--sort '" + spec + "': an empty column name");
            }
            order = order.thenComparing((a, b) -> compare(RunColumns.value(a, column, now),
                    RunColumns.value(b, column, now), descending));
        }
        out.sort(order);
        return out;
    }

    private static int compare(Object a, Object b, boolean descending) {
        boolean aMissing = a == null || a instanceof Double d && d.isNaN();
        boolean bMissing = b == null || b instanceof Double d && d.isNaN();
        if (aMissing || bMissing) {
            return Boolean.compare(aMissing, bMissing);
        }
        int c;
        if (a instanceof Double x && b instanceof Double y) {
            c = Double.compare(x, y);
        } else if (a instanceof Double) {
            c = -1;
        } else if (b instanceof Double) {
            c = 1;
        } else {
            c = a.toString().compareTo(b.toString());
        }
        return descending ? -c : c;
    }

    /**
     * The columns shown when none are asked for: id, status and start; parent and role when a run
     * has them; the hyperparameters that differ between the runs; the usual final metrics they have.
     *
     * @param runs the runs to show
     * @return the column names
     */
    public static List<String> defaultColumns(List<TrackedRun> runs) {
        List<String> columns = new ArrayList<>(List.of("id", "status", "started"));
        if (runs.stream().anyMatch(r -> r.parentOrNull() != null)) {
            columns.add("parent");
            columns.add("role");
        }
        differingParams(runs).stream().limit(MAX_DEFAULT_PARAMS).forEach(columns::add);
        for (String m : METRICS) {
            if (runs.stream().anyMatch(r -> r.finalMetrics().containsKey(m))) {
                columns.add(m);
            }
        }
        return columns;
    }

    /**
     * The hyperparameters whose values differ between {@code runs} (one missing counts as
     * different): those more runs have first, then in the order they first appear (so a long
     * list cut short keeps the ones the runs share).
     *
     * @param runs the runs
     * @return the hyperparameter names
     */
    public static List<String> differingParams(List<TrackedRun> runs) {
        Set<String> all = new LinkedHashSet<>();
        runs.forEach(r -> all.addAll(r.hyperparameters().keySet()));
        List<String> out = new ArrayList<>();
        for (String k : all) {
            // The name differs run to run by construction, and is a column of its own.
            if (k.equals("name")) {
                continue;
            }
            String first = runs.getFirst().hyperparameters().get(k);
            if (runs.stream().anyMatch(r -> !Objects.equals(first, r.hyperparameters().get(k)))) {
                out.add(k);
            }
        }
        out.sort(Comparator.comparingLong((String k) -> runs.stream().filter(r -> r.hyperparameters().containsKey(k))
                .count()).reversed());
        return out;
    }

    /**
     * The runs as an aligned text table with a header line.
     *
     * @param runs the runs, in order
     * @param columns the columns
     * @param now the time to judge heartbeats at
     * @return the table, one line per run, {@code \n} line ends
     */
    public static String table(List<TrackedRun> runs, List<String> columns, Instant now) {
        List<List<String>> rows = rows(runs, columns, now);
        int[] width = new int[columns.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(row.get(i)).append(" ".repeat(width[i] - row.get(i).length()));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The runs as CSV (RFC 4180 quoting) with a header line.
     *
     * @param runs the runs, in order
     * @param columns the columns
     * @param now the time to judge heartbeats at
     * @return the CSV text, {@code \n} line ends
     */
    public static String csv(List<TrackedRun> runs, List<String> columns, Instant now) {
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows(runs, columns, now)) {
            sb.append(String.join(",", row.stream().map(RunTable::csvCell).toList())).append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        // A leading = + - @ would be a formula to a spreadsheet; numbers are the exception.
        boolean formula = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("[-+]?[0-9.eE+-]+");
        String v = formula ? "'" + s : s;
        return v.matches(".*[,\"\\n\\r].*") || formula ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static List<List<String>> rows(List<TrackedRun> runs, List<String> columns, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.copyOf(columns));
        for (TrackedRun r : runs) {
            rows.add(columns.stream().map(c -> RunColumns.text(RunColumns.value(r, c, now))).toList());
        }
        return rows;
    }

    /**
     * One run in full: its facts, lineage, tags, hyperparameters, final metrics and epochs.
     *
     * @param r the run, with its epochs
     * @param children the ids of the runs whose parent it is
     * @param now the time to judge its heartbeat at
     * @return the text, {@code \n} line ends
     */
    public static String show(TrackedRun r, List<String> children, Instant now) {
        StringBuilder sb = new StringBuilder();
        line(sb, "run", r.id());
        line(sb, "name", r.name());
        line(sb, "status", r.shownStatus(now, TrackedRun.STALE_AFTER)
                + (r.state() == RunState.RUNNING ? " (last heartbeat " + RunColumns.value(r, "heartbeat", now) + " UTC)" : ""));
        if (r.errorOrNull() != null) {
            line(sb, "error", r.errorOrNull());
        }
        line(sb, "started", RunColumns.value(r, "started", now) + " UTC");
        if (r.endedAtOrNull() != null) {
            line(sb, "ended", RunColumns.value(r, "ended", now) + " UTC (" + RunColumns.text(r.duration().toMillis() / 1000.0)
                    + " s)");
        }
        line(sb, "folder", r.folder());
        line(sb, "machine", r.machine().summary() + ", host " + r.machine().host());
        line(sb, "gatun", r.gatunVersion() + (r.gitCommitOrNull() == null ? "" : " (" + r.gitCommitOrNull() + ")"));
        if (r.parentOrNull() != null || r.roleOrNull() != null) {
            line(sb, "parent", (r.parentOrNull() == null ? "-" : r.parentOrNull())
                    + (r.roleOrNull() == null ? "" : " (role " + r.roleOrNull() + ")"));
        }
        if (!children.isEmpty()) {
            line(sb, "children", String.join(", ", children));
        }
        section(sb, "tags", r.tags());
        section(sb, "hyperparameters", r.hyperparameters());
        Map<String, String> finals = new java.util.LinkedHashMap<>();
        r.finalMetrics().forEach((k, v) -> finals.put(k, RunColumns.text(v)));
        section(sb, "final metrics", finals);
        if (!r.epochs().isEmpty()) {
            Set<String> names = new LinkedHashSet<>();
            r.epochs().forEach(e -> names.addAll(e.metrics().keySet()));
            List<String> columns = new ArrayList<>(List.of("epoch"));
            columns.addAll(names);
            List<List<String>> rows = new ArrayList<>();
            rows.add(columns);
            for (TrackedRun.Epoch e : r.epochs()) {
                List<String> row = new ArrayList<>(List.of(Integer.toString(e.epoch())));
                names.forEach(n -> row.add(RunColumns.text(e.metrics().get(n))));
                rows.add(row);
            }
            sb.append("epochs:\n");
            int[] width = new int[columns.size()];
            rows.forEach(row -> {
                for (int i = 0; i < row.size(); i++) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            });
            for (List<String> row : rows) {
                StringBuilder l = new StringBuilder(" ");
                for (int i = 0; i < row.size(); i++) {
                    l.append(' ').append(" ".repeat(width[i] - row.get(i).length())).append(row.get(i));
                }
                sb.append(l).append('\n');
            }
        }
        sb.append("config: ").append(r.configJson()).append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append(": ").append(value).append('\n');
    }

    private static void section(StringBuilder sb, String title, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        sb.append(title).append(":\n");
        values.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
    }
}
