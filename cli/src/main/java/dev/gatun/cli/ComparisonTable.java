package dev.gatun.cli;

import dev.gatun.report.Comparison;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Prints a {@link Comparison} as a ranked console table, best first, then the runs that failed. */
final class ComparisonTable {
    private ComparisonTable() {}

    static void print(PrintWriter out, Comparison c, Path reportDir) {
        out.printf(Locale.ROOT, "%-6s %-44s %14s %6s %10s%n", "rank", "run", c.metric(), "from", "seconds");
        int rank = 1;
        for (Comparison.Entry e : c.ranking()) {
            out.printf(Locale.ROOT, "%-6d %-44s %14.6g %6s %10.1f%n", rank++, e.name(), e.value(),
                    e.epoch() == 0 ? "final" : "ep " + e.epoch(), e.seconds());
        }
        for (Comparison.Failed f : c.failed()) {
            out.printf(Locale.ROOT, "%-6s %-44s %s%n", "failed", f.name(), f.reason());
        }
        Comparison.Entry best = c.best();
        out.printf(Locale.ROOT, "best by %s of the saved model (%s is better): %s with %.6g%n", c.metric(),
                c.higherIsBetter() ? "higher" : "lower", best.name(), best.value());
        out.println("comparison report: " + reportDir.resolve(dev.gatun.report.ComparisonReport.HTML_FILE));
    }
}
