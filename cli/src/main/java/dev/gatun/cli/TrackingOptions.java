package dev.gatun.cli;

import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import java.io.IOException;
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

    /** Opens the store these options name; refuses {@code off}. */
    TrackingStore open() throws IOException {
        TrackingTarget target = TrackingTarget.resolve(tracking, runs);
        if (!target.enabled()) {
            throw new IllegalArgumentException("tracking is off (--tracking, -Dgatun.tracking or GATUN_TRACKING is"
                    + " 'off'): no store to read");
        }
        return target.open();
    }
}
