package dev.gatun.tracking;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The values a run shows under a column name, for {@code gatun runs}' filters, sorting and
 * columns. In order: the run's own fields ({@code id}, {@code name}, {@code status} as shown,
 * {@code state} as written, {@code parent}, {@code role}, {@code started}, {@code ended},
 * {@code heartbeat}, {@code seconds}, {@code folder}, {@code machine}, {@code version},
 * {@code commit}, {@code error}), {@code tag.NAME}, then its final metrics, then its
 * hyperparameters ({@code optimizer.lr}, {@code model.layers[0].units}). {@code param.NAME} and
 * {@code metric.NAME} name one of the last two when a name is both.
 */
public final class RunColumns {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private RunColumns() {}

    /**
     * The value of {@code column} for {@code run}: a {@link Double} for numbers, a {@link String}
     * otherwise, or null when the run has no such value.
     *
     * @param run the run
     * @param column the column's name
     * @param now the time to judge heartbeats at (for {@code status})
     * @return the value, or null
     */
    public static Object value(TrackedRun run, String column, Instant now) {
        return switch (column) {
            case "id" -> run.id();
            case "name" -> run.name();
            case "status" -> run.shownStatus(now, TrackedRun.STALE_AFTER);
            case "state" -> run.state().wire();
            case "parent" -> run.parentOrNull();
            case "role" -> run.roleOrNull();
            case "started" -> TIME.format(run.startedAt());
            case "ended" -> run.endedAtOrNull() == null ? null : TIME.format(run.endedAtOrNull());
            case "heartbeat" -> TIME.format(run.heartbeatAt());
            case "seconds" -> run.duration().toMillis() / 1000.0;
            case "folder" -> run.folder();
            case "machine" -> run.machine().summary();
            case "version" -> run.gatunVersion();
            case "commit" -> run.gitCommitOrNull();
            case "error" -> run.errorOrNull();
            default -> other(run, column);
        };
    }

    private static Object other(TrackedRun run, String column) {
        if (column.startsWith("tag.")) {
            return run.tags().get(column.substring(4));
        }
        if (column.startsWith("tags.")) {
            return run.tags().get(column.substring(5));
        }
        if (column.startsWith("metric.")) {
            return metric(run, column.substring(7));
        }
        if (column.startsWith("param.")) {
            return param(run, column.substring(6));
        }
        Object m = metric(run, column);
        return m != null ? m : param(run, column);
    }

    private static Object metric(TrackedRun run, String name) {
        Double v = run.finalMetrics().get(name);
        if (v != null) {
            return v;
        }
        // A run without final metrics (running, failed) shows its last epoch's.
        return run.epochs().isEmpty() ? null : run.epochs().getLast().metrics().get(name);
    }

    private static Object param(TrackedRun run, String name) {
        String v = run.hyperparameters().get(name);
        if (v == null) {
            return null;
        }
        double d = HyperParameters.number(v);
        return Double.isNaN(d) || v.equals("true") || v.equals("false") ? v : (Object) d;
    }

    /**
     * A value as a table shows it: numbers without trailing zeros, up to 6 significant digits.
     *
     * @param value a value of {@link #value}
     * @return its text; empty for null
     */
    public static String text(Object value) {
        return switch (value) {
            case null -> "";
            case Double d when d.isNaN() -> "nan";
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> Long.toString(d.longValue());
            case Double d -> String.format(Locale.ROOT, "%.6g", d).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                    .replaceFirst("\\.(e|$)", "$1");
            default -> value.toString();
        };
    }
}
