package dev.gatun.cli;

import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --runs DIR} and {@code --tracking URL}: which tracking store a {@code gatun runs} command reads. */
final class TrackingOptions {
    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "the runs directory whose store (DIR/gatun-runs.db) is read (default: ${DEFAULT-VALUE})")
    Path runs;

    @Option(names = "--tracking", paramLabel = "URL",
            description = "the tracking store: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB?user=..&password=..;"
                    + " default: -Dgatun.tracking, else $GATUN_TRACKING, else SQLite in --runs")
    String tracking;

    /** Opens the store these options name, to read; refuses {@code off} and an SQLite file that does not exist. */
    TrackingStore open() throws IOException {
        TrackingTarget target = target();
        Path file = target.sqliteFileOrNull();
        if (file != null && !Files.exists(file)) {
            throw new IllegalArgumentException("no tracking store at " + file + ": no run has recorded itself there"
                    + " (give --runs DIR or --tracking URL; gatun runs import DIR records existing run folders)");
        }
        return target.open();
    }

    /** Opens the store these options name, creating it if needed (to import into). */
    TrackingStore openOrCreate() throws IOException {
        return target().open();
    }

    private TrackingTarget target() {
        TrackingTarget target = TrackingTarget.resolve(tracking, runs);
        if (!target.enabled()) {
            throw new IllegalArgumentException("tracking is off (--tracking, -Dgatun.tracking or GATUN_TRACKING is"
                    + " 'off'): no store to use");
        }
        return target;
    }
}
