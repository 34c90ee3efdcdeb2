package dev.gatun.cli;

import dev.gatun.report.Comparison;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Prints a {@link Comparison} as a ranked console table, best first. */
final class ComparisonTable {
    private ComparisonTable() {}

    static void print(PrintWriter out, Comparison c, Path reportDir) {
        out.printf(Locale.ROOT, "%-4s %-44s %14s %6s %10s%n", "rank", "run", c.metric(), "epoch", "seconds");
        int rank = 1;
        for (Comparison.Entry e : c.ranking()) {
            out.printf(Locale.ROOT, "%-4d %-44s %14.6g %6s %10.1f%n", rank++, e.name(), e.bestValue(),
                    e.bestEpoch() == 0 ? "final" : Integer.toString(e.bestEpoch()), e.seconds());
        }
        Comparison.Entry best = c.best();
        out.printf(Locale.ROOT, "best by %s (%s is better): %s with %.6g%n", c.metric(),
                c.higherIsBetter() ? "higher" : "lower", best.name(), best.bestValue());
        out.println("comparison report: " + reportDir.resolve(dev.gatun.report.ComparisonReport.HTML_FILE));
    }
}
